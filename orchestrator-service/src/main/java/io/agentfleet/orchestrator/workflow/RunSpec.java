package io.agentfleet.orchestrator.workflow;

import io.agentfleet.messages.TraceContext;
import java.time.Instant;
import java.util.List;

/**
 * A validated run submission.
 *
 * @param tasks the DAG, in submission order
 * @param maxSteps most dispatches (tasks, revisions, reviews) the run may make
 * @param maxTokens token budget, or null
 * @param maxCost cost budget, or null
 * @param deadline when the run must have ended, or null
 * @param trace the caller's W3C trace context (from its {@code traceparent} header), carried on every task, or null
 */
public record RunSpec(
        List<TaskSpec> tasks, int maxSteps, Long maxTokens, Double maxCost, Instant deadline, TraceContext trace) {
    public RunSpec {
        tasks = List.copyOf(tasks);
    }

    public RunSpec withTrace(TraceContext value) {
        return new RunSpec(tasks, maxSteps, maxTokens, maxCost, deadline, value);
    }
}
