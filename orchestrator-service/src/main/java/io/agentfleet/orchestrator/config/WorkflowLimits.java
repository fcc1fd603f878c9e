package io.agentfleet.orchestrator.config;

import io.agentfleet.messages.config.ConfigValues;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The bounds of a run and of what it dispatches.
 *
 * @param maxTasks most tasks in one run, including planner additions
 * @param maxStepsDefault {@code maxSteps} of a run that gives none
 * @param maxStepsLimit highest {@code maxSteps} a run may ask for
 * @param maxInputBytes largest encoded {@code input} of one task
 * @param maxBacklog backlog bound passed to ENQUEUE when an agent type's config hash has none (0 = unbounded)
 * @param allowedAgents agent types runs may use; empty = any valid name
 * @param retention how long a finished run's keys are kept
 * @param taskMaxTokens tokens a task of an agent type reserves (and is capped at) when it gives no {@code maxTokens};
 *     a type not listed reserves nothing
 * @param maxSpawnDepth how many planner generations deep a spawned task may be
 * @param maxWorkflowDepth how many sub-workflow levels deep a child run may be (a submitted run is 0 deep)
 */
public record WorkflowLimits(
        int maxTasks,
        int maxStepsDefault,
        int maxStepsLimit,
        int maxInputBytes,
        long maxBacklog,
        Set<String> allowedAgents,
        Duration retention,
        Map<String, Long> taskMaxTokens,
        int maxSpawnDepth,
        int maxWorkflowDepth) {
    public static final int DEFAULT_MAX_TASKS = 100;
    public static final int DEFAULT_MAX_STEPS = 20;
    public static final int DEFAULT_MAX_STEPS_LIMIT = 1000;
    public static final int DEFAULT_MAX_INPUT_BYTES = 256 * 1024;
    public static final long DEFAULT_MAX_BACKLOG = 100_000;
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(1);
    public static final int DEFAULT_MAX_SPAWN_DEPTH = 2;
    public static final int DEFAULT_MAX_WORKFLOW_DEPTH = 3;

    public WorkflowLimits {
        allowedAgents = Set.copyOf(allowedAgents);
        taskMaxTokens = Map.copyOf(taskMaxTokens);
    }

    static WorkflowLimits read(ConfigValues r) {
        return new WorkflowLimits(
                r.intAtLeast(ConfigKeys.MAX_TASKS, DEFAULT_MAX_TASKS, 1),
                r.intAtLeast(ConfigKeys.MAX_STEPS_DEFAULT, DEFAULT_MAX_STEPS, 1),
                r.intAtLeast(ConfigKeys.MAX_STEPS_LIMIT, DEFAULT_MAX_STEPS_LIMIT, 1),
                r.intAtLeast(ConfigKeys.MAX_INPUT_BYTES, DEFAULT_MAX_INPUT_BYTES, 16),
                r.longAtLeast(ConfigKeys.MAX_BACKLOG, DEFAULT_MAX_BACKLOG, 0),
                ConfigFactory.agents(r, ConfigKeys.ALLOWED_AGENTS),
                r.positiveDuration(ConfigKeys.RETENTION, DEFAULT_RETENTION),
                ConfigFactory.agentAmounts(r, ConfigKeys.TASK_MAX_TOKENS),
                r.intAtLeast(ConfigKeys.MAX_SPAWN_DEPTH, DEFAULT_MAX_SPAWN_DEPTH, 1),
                r.intAtLeast(ConfigKeys.MAX_WORKFLOW_DEPTH, DEFAULT_MAX_WORKFLOW_DEPTH, 0));
    }
}
