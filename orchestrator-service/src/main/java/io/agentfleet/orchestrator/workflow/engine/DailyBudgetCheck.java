package io.agentfleet.orchestrator.workflow.engine;

import java.time.Instant;

/** Whether an API key may still spend today: checked before every dispatch of its runs. */
@FunctionalInterface
public interface DailyBudgetCheck {
    /**
     * Why {@code apiKey} may not spend more at {@code now} (naming the budget and its reset), or null when it may.
     *
     * @param uncommittedTokens tokens the caller's transition adds that the day's counters do not hold yet
     * @param uncommittedCost cost the caller's transition adds that the day's counters do not hold yet
     */
    String refusal(String apiKey, long uncommittedTokens, double uncommittedCost, Instant now);
}
