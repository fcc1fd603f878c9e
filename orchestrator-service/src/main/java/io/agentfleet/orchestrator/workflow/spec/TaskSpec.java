package io.agentfleet.orchestrator.workflow.spec;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentfleet.orchestrator.workflow.agentloop.AgentLoopSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One task of a run as submitted (or spawned by a planner).
 *
 * @param id unique within the run, {@code [A-Za-z0-9_-]{1,64}}
 * @param agent the agent type that runs it
 * @param input any JSON, passed to the agent as {@code content.input}
 * @param dependsOn ids of tasks whose outputs it needs
 * @param review a reviewer loop, or null
 * @param optional its failure does not fail the run; dependents run without its output
 * @param escalate exhausted retries park the run in NEEDS_HUMAN instead of failing it
 * @param timeout per-task deadline from dispatch, or null; one beyond {@link #LONGEST_TIMEOUT} is stored as that
 * @param maxAttempts worker attempts before dead-lettering, 0 = the worker's default
 * @param maxTokens the most tokens the task may spend, reserved against the run's budget while it runs and passed to
 *     the agent as its cap; null = the agent type's default ({@code fleet.orchestrator.task-max-tokens})
 * @param onFailure the failure policy of each {@code dependsOn} edge that declares one; an edge without one fails the
 *     task, unless its upstream is optional (then it continues)
 * @param fallback an agent type the task is dispatched to once when its own attempts end in failure, or null
 * @param when a condition on a dependency's output that must hold for the task to run, or null
 * @param agentLoop the tool loop of an agent task ({@code tools}, {@code maxTurns}), or null for a plain task
 * @param workflow a sub-workflow (a validated run body) that the task runs as a child run instead of an agent, or null
 * @param team its part in samples or a debate ({@link TeamExpansion}), or null
 */
public record TaskSpec(
        String id,
        String agent,
        JsonNode input,
        List<String> dependsOn,
        ReviewSpec review,
        boolean optional,
        boolean escalate,
        Duration timeout,
        int maxAttempts,
        Long maxTokens,
        Map<String, OnFailure> onFailure,
        String fallback,
        Condition when,
        AgentLoopSpec agentLoop,
        JsonNode workflow,
        Team team) {
    /** The longest timeout a task record can store (in milliseconds); a deadline this far away is never reached. */
    public static final Duration LONGEST_TIMEOUT = Duration.ofMillis(Long.MAX_VALUE);

    public TaskSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(agent, "agent");
        dependsOn = List.copyOf(dependsOn);
        onFailure = onFailure == null ? Map.of() : Map.copyOf(onFailure);
        if (timeout != null && timeout.compareTo(LONGEST_TIMEOUT) > 0) {
            timeout = LONGEST_TIMEOUT;
        }
    }

    /** A plain agent task: no edge policies, fallback, condition, tool loop, sub-workflow or team. */
    public TaskSpec(
            String id,
            String agent,
            JsonNode input,
            List<String> dependsOn,
            ReviewSpec review,
            boolean optional,
            boolean escalate,
            Duration timeout,
            int maxAttempts,
            Long maxTokens) {
        this(
                id,
                agent,
                input,
                dependsOn,
                review,
                optional,
                escalate,
                timeout,
                maxAttempts,
                maxTokens,
                null,
                null,
                null,
                null,
                null,
                null);
    }

    /** A task without its own {@code maxTokens}. */
    public TaskSpec(
            String id,
            String agent,
            JsonNode input,
            List<String> dependsOn,
            ReviewSpec review,
            boolean optional,
            boolean escalate,
            Duration timeout,
            int maxAttempts) {
        this(id, agent, input, dependsOn, review, optional, escalate, timeout, maxAttempts, null);
    }

    /**
     * A reviewer loop: after the task produces an output, {@code agent} reviews it; a rejection runs the task again
     * with the feedback, at most {@code maxRevisions} times, then {@code onExhausted} decides.
     */
    public record ReviewSpec(String agent, int maxRevisions, boolean acceptWhenExhausted) {}
}
