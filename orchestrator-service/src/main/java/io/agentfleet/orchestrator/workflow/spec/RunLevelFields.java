package io.agentfleet.orchestrator.workflow.spec;

import static io.agentfleet.orchestrator.workflow.spec.JsonFields.intField;
import static io.agentfleet.orchestrator.workflow.spec.SpecTimes.deadline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.messages.Priority;
import io.agentfleet.orchestrator.config.WorkflowLimits;
import java.time.Instant;
import java.util.List;

/** Reads a run's own fields ({@code maxSteps}, {@code budget}, {@code delay}/{@code runAt}, {@code deadline}, {@code priority}). */
final class RunLevelFields {
    private RunLevelFields() {}

    static RunSpec read(ObjectNode body, List<TaskSpec> tasks, Instant now, WorkflowLimits workflow) {
        int maxSteps = intField(body, "maxSteps", "maxSteps", workflow.maxStepsDefault(), 1, workflow.maxStepsLimit());
        int dispatches = TeamExpansion.dispatches(tasks);
        if (dispatches > maxSteps) {
            throw new InvalidMessageException(
                    "maxSteps",
                    "is " + maxSteps + " but the run has " + dispatches + " tasks"
                            + (tasks.stream().anyMatch(t -> t.team() != null)
                                    ? " to dispatch (samples, aggregators and debate rounds included)"
                                    : ""));
        }
        BudgetFields.Budget budget = BudgetFields.budget(body.get("budget"));
        // A scheduled run's deadline counts from its start, like its tasks' timeouts.
        Instant startAt = SpecTimes.startAt(body.get("delay"), body.get("runAt"), now);
        Instant from = startAt == null ? now : startAt;
        return new RunSpec(
                tasks,
                maxSteps,
                budget.maxTokens(),
                budget.maxCost(),
                deadline(body.get("deadline"), from),
                null,
                priority(body),
                startAt,
                budget.onBudget());
    }

    /** The run's {@code priority}: absent or null is NORMAL; anything but "high", "normal", "low" names the field. */
    private static Priority priority(ObjectNode body) {
        JsonNode value = body.get("priority");
        if (value == null || value.isNull()) {
            return Priority.NORMAL;
        }
        if (!value.isTextual()) {
            throw new InvalidMessageException(
                    "priority", "must be one of \"high\", \"normal\", \"low\", but was " + value.getNodeType());
        }
        return Priority.fromWire("priority", value.asText());
    }
}
