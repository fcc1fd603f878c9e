package io.agentfleet.orchestrator.workflow.engine;

import java.time.Instant;

/** Whether an API key may still spend today: checked before every dispatch of its runs. */
@FunctionalInterface
public interface DailyBudgetCheck {
    /** Why {@code apiKey} may not spend more at {@code now} (naming the budget and its reset), or null when it may. */
    String refusal(String apiKey, Instant now);
}
