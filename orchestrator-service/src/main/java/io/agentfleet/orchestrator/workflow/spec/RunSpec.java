package io.agentfleet.orchestrator.workflow.spec;

import io.agentfleet.messages.Priority;
import io.agentfleet.messages.TraceContext;
import io.agentfleet.orchestrator.workflow.blackboard.BlackboardSpec;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A validated run submission.
 *
 * @param tasks the DAG, in submission order
 * @param maxSteps most dispatches (tasks, revisions, reviews) the run may make
 * @param maxTokens token budget, or null
 * @param maxCost cost budget, or null
 * @param deadline when the run must have ended, or null; one after {@link #LATEST_DEADLINE} is stored as that
 * @param trace the caller's W3C trace context (from its {@code traceparent} header), carried on every task, or null
 * @param priority the level of every task the run dispatches (NORMAL when not given)
 * @param startAt when the run's first tasks are due ({@code delay} or {@code runAt}), or null to start at once
 * @param onBudget what happens to a ready task whose token reservation does not fit the budget
 * @param blackboard the run's blackboard sections and its tasks' access to them ({@link BlackboardSpec#NONE}: none)
 */
public record RunSpec(
        List<TaskSpec> tasks,
        int maxSteps,
        Long maxTokens,
        Double maxCost,
        Instant deadline,
        TraceContext trace,
        Priority priority,
        Instant startAt,
        OnBudget onBudget,
        BlackboardSpec blackboard) {
    /**
     * The latest deadline a run or a task message carries, 9999-12-31T23:59:59.999Z: it fits epoch milliseconds, and
     * every ISO-8601 reader and a JavaScript number hold it exactly.
     */
    public static final Instant LATEST_DEADLINE = Instant.parse("9999-12-31T23:59:59.999Z");

    /** A run at NORMAL priority that starts at once and fails when a task does not fit its budget. */
    public RunSpec(
            List<TaskSpec> tasks, int maxSteps, Long maxTokens, Double maxCost, Instant deadline, TraceContext trace) {
        this(tasks, maxSteps, maxTokens, maxCost, deadline, trace, Priority.NORMAL, null, OnBudget.FAIL);
    }

    /** A run without a blackboard. */
    public RunSpec(
            List<TaskSpec> tasks,
            int maxSteps,
            Long maxTokens,
            Double maxCost,
            Instant deadline,
            TraceContext trace,
            Priority priority,
            Instant startAt,
            OnBudget onBudget) {
        this(tasks, maxSteps, maxTokens, maxCost, deadline, trace, priority, startAt, onBudget, BlackboardSpec.NONE);
    }

    public RunSpec {
        tasks = List.copyOf(tasks);
        blackboard = blackboard == null ? BlackboardSpec.NONE : blackboard;
        priority = priority == null ? Priority.NORMAL : priority;
        Objects.requireNonNull(onBudget, "onBudget");
        if (deadline != null && deadline.isAfter(LATEST_DEADLINE)) {
            deadline = LATEST_DEADLINE;
        }
    }

    public RunSpec withTrace(TraceContext value) {
        return new RunSpec(
                tasks, maxSteps, maxTokens, maxCost, deadline, value, priority, startAt, onBudget, blackboard);
    }

    public RunSpec withBlackboard(BlackboardSpec value) {
        return new RunSpec(tasks, maxSteps, maxTokens, maxCost, deadline, trace, priority, startAt, onBudget, value);
    }
}
