package io.agentfleet.orchestrator.schedule;

import io.agentfleet.messages.BackpressureException;
import io.agentfleet.orchestrator.http.ApiException;
import io.agentfleet.orchestrator.workflow.DailyBudgetExceeded;
import io.agentfleet.orchestrator.workflow.RunsInFlightExceeded;

/** Which failures of a scheduled start are refusals of that one run (recorded, not retried). */
final class Refusals {
    private Refusals() {}

    /** Why the run was refused, or null when {@code e} is not a refusal (a Redis failure: try again). */
    static String reasonOf(RuntimeException e) {
        return switch (e) {
            case RunsInFlightExceeded r -> r.getMessage();
            case DailyBudgetExceeded d -> d.getMessage();
            case BackpressureException b -> "backpressure: " + b.getMessage();
            case ApiException a -> "the template is no longer valid: " + a.getMessage();
            default -> null;
        };
    }
}
