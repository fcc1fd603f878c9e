package io.agentfleet.orchestrator.workflow.engine;

import io.agentfleet.orchestrator.workflow.spec.OnBudget;
import io.agentfleet.orchestrator.workflow.spec.SpecParser;

/**
 * Reserves a dispatch's most tokens against its run's token budget and releases them when the dispatch's outcome
 * settles, so tasks in flight together can never spend more than the budget (a handler that ignores its cap is still
 * counted, and the after-the-fact check ends the run).
 */
final class TokenReservations {
    private TokenReservations() {}

    /** The tokens a dispatch reserves: the task's own {@code maxTokens}, else its agent type's default (0 = none). */
    static long amount(SpecParser parser, TaskRecord task, String agent, boolean review) {
        return !review && task.maxTokens != null ? task.maxTokens : parser.defaultMaxTokens(agent);
    }

    static boolean fits(RunState run, long amount) {
        Long budget = run.spend().maxTokens();
        return budget == null || committed(run) + amount <= budget;
    }

    /**
     * Whether a ready task that does not fit waits for reservations to settle: only a first dispatch of a run that
     * chose {@link OnBudget#WAIT}, and only while something is in flight whose settling could make room.
     */
    static boolean waits(RunState run, TaskRecord task) {
        return task.state == TaskState.PENDING
                && run.spend().onBudget() == OnBudget.WAIT
                && run.tasks().stream().anyMatch(t -> t.state.isInFlight());
    }

    static String refusal(RunState run, TaskRecord task, boolean review, long amount) {
        return "task " + task.id + (review ? " (review)" : "") + " reserves " + amount + " tokens but " + spent(run)
                + " are spent and " + run.spend().reservedTokens() + " reserved of a budget of "
                + run.spend().maxTokens();
    }

    static void reserve(RunState run, TaskRecord task, long amount) {
        task.reserved = amount;
        run.spend().addReserved(amount);
    }

    /** Gives back the reservation of {@code task}'s settled dispatch; a no-op when it holds none. */
    static void release(RunState run, TaskRecord task) {
        if (task.reserved != 0) {
            run.spend().addReserved(-task.reserved);
            task.reserved = 0;
            run.save(task);
        }
    }

    private static long spent(RunState run) {
        return run.spend().tokensIn() + run.spend().tokensOut();
    }

    private static long committed(RunState run) {
        return spent(run) + run.spend().reservedTokens();
    }
}
