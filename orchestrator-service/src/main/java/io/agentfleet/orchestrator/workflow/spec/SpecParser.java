package io.agentfleet.orchestrator.workflow.spec;

import static io.agentfleet.orchestrator.workflow.spec.JsonFields.abbreviate;
import static io.agentfleet.orchestrator.workflow.spec.JsonFields.bool;
import static io.agentfleet.orchestrator.workflow.spec.JsonFields.intField;
import static io.agentfleet.orchestrator.workflow.spec.JsonFields.requireKnownFields;
import static io.agentfleet.orchestrator.workflow.spec.JsonFields.text;
import static io.agentfleet.orchestrator.workflow.spec.SpecTimes.timeout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.messages.MessageLimits;
import io.agentfleet.messages.Names;
import io.agentfleet.orchestrator.config.OrchestratorConfig;
import io.agentfleet.orchestrator.registry.KnownAgents;
import io.agentfleet.orchestrator.workflow.agentloop.AgentLoopSpec;
import io.agentfleet.orchestrator.workflow.agentloop.ToolSchemas;
import io.agentfleet.orchestrator.workflow.blackboard.BlackboardSpec;
import io.agentfleet.orchestrator.workflow.blackboard.BlackboardSpecs;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns submitted JSON into a {@link RunSpec}, or throws {@link InvalidMessageException} naming the field (a JSON
 * path such as {@code tasks[1].dependsOn}) and the reason. Planner additions go through the same checks.
 */
public final class SpecParser {
    /** Task ids become part of wire task ids ({@code runId.taskId.rN}), so they may not contain dots. */
    public static final Pattern TASK_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    /** Longest {@code timeout} a task may ask for; also keeps every time computed from it far from overflow. */
    public static final Duration MAX_TIMEOUT = Duration.ofDays(7);
    /** Furthest ahead of its submission a run's {@code deadline} may lie. */
    public static final Duration MAX_DEADLINE_AHEAD = Duration.ofDays(365);

    private static final Set<String> RUN_FIELDS =
            Set.of("tasks", "maxSteps", "budget", "deadline", "priority", "delay", "runAt", BlackboardSpecs.FIELD);
    private static final Set<String> TASK_FIELDS = Set.of(
            "id",
            "agent",
            "input",
            "dependsOn",
            "review",
            "optional",
            "escalate",
            "timeout",
            "maxAttempts",
            "maxTokens",
            "fallback",
            "when",
            "tools",
            "maxTurns",
            "workflow",
            "samples",
            "aggregate",
            "debate");
    private static final int MAX_ATTEMPTS_LIMIT = 100;
    /**
     * Room left in a task message for everything but the input: the envelope's fields, ids and trace context (under
     * 1 KiB) and the content's own fields.
     */
    public static final int ENVELOPE_BYTES = 4096;

    private final OrchestratorConfig config;
    private final MessageLimits limits;
    private final KnownAgents knownAgents;
    private final ToolSchemas toolSchemas;

    /**
     * @param limits the bounds workers decode task messages with: what a run dispatches must stay within them
     * @param knownAgents the agent types a spec may name
     */
    public SpecParser(OrchestratorConfig config, MessageLimits limits, KnownAgents knownAgents) {
        this(config, limits, knownAgents, ToolSchemas.NONE);
    }

    /** @param toolSchemas the published definitions of the agent types an agent task names as its tools */
    public SpecParser(
            OrchestratorConfig config, MessageLimits limits, KnownAgents knownAgents, ToolSchemas toolSchemas) {
        this.config = config;
        this.limits = limits;
        this.knownAgents = knownAgents;
        this.toolSchemas = toolSchemas;
    }

    /** {@code POST /v1/workflows}. */
    public RunSpec workflow(ObjectNode body, Instant now) {
        requireKnownFields(body, RUN_FIELDS, "");
        JsonNode tasksNode = body.get("tasks");
        if (tasksNode == null || !tasksNode.isArray() || tasksNode.isEmpty()) {
            throw new InvalidMessageException("tasks", "is required and must be a non-empty array");
        }
        if (tasksNode.size() > config.workflow().maxTasks()) {
            throw new InvalidMessageException(
                    "tasks",
                    "has " + tasksNode.size() + " tasks, more than the limit of "
                            + config.workflow().maxTasks());
        }
        SubWorkflows.requireDepth(tasksNode, "tasks", 0, maxWorkflowDepth());
        List<TaskSpec> tasks = TaskList.read(
                BlackboardSpecs.withoutAccess((ArrayNode) tasksNode),
                "tasks",
                List.of(),
                config.workflow(),
                this::task);
        BlackboardSpec blackboard = BlackboardSpecs.read(body.get(BlackboardSpecs.FIELD), (ArrayNode) tasksNode);
        return RunLevelFields.read(body, tasks, now, config.workflow()).withBlackboard(blackboard);
    }

    /** {@code POST /v1/tasks}: one task, with the run-level fields allowed alongside. */
    public RunSpec singleTask(ObjectNode body, Instant now) {
        Set<String> allowed = new HashSet<>(TASK_FIELDS);
        allowed.addAll(RUN_FIELDS);
        allowed.remove("tasks");
        allowed.remove("dependsOn");
        allowed.remove(BlackboardSpecs.FIELD);
        allowed.remove("workflow");
        for (String team : List.of("samples", "aggregate", "debate")) {
            if (body.has(team)) {
                throw new InvalidMessageException(
                        team, "makes a team of tasks: submit it as a workflow (POST /v1/workflows)");
            }
        }
        requireKnownFields(body, allowed, "");
        ObjectNode task = JsonNodeFactory.instance.objectNode();
        body.fields().forEachRemaining(f -> {
            if (TASK_FIELDS.contains(f.getKey())) {
                task.set(f.getKey(), f.getValue());
            }
        });
        if (!task.has("id")) {
            task.put("id", "task");
        }
        TaskSpec spec = task(task, "");
        return RunLevelFields.read(body, List.of(spec), now, config.workflow());
    }

    /**
     * Planner additions ({@code spawn} in a result), validated against the tasks the run already has.
     *
     * @param existing ids already in the run
     */
    public List<TaskSpec> spawn(JsonNode spawn, Collection<String> existing) {
        if (!spawn.isArray()) {
            throw new InvalidMessageException("spawn", "must be an array of tasks");
        }
        if (existing.size() + spawn.size() > config.workflow().maxTasks()) {
            throw new InvalidMessageException(
                    "spawn",
                    "would grow the run to " + (existing.size() + spawn.size()) + " tasks, more than the limit of "
                            + config.workflow().maxTasks());
        }
        SubWorkflows.requireDepth(spawn, "spawn", 0, maxWorkflowDepth());
        return TaskList.read((ArrayNode) spawn, "spawn", existing, config.workflow(), this::task);
    }

    /**
     * The run a sub-workflow task starts: {@code body} checked like a submission, its errors named under {@code field}
     * (the task's {@code workflow} path).
     */
    public RunSpec child(JsonNode body, String field, Instant now) {
        if (!body.isObject()) {
            throw new InvalidMessageException(field, "must be an object with tasks (a sub-workflow)");
        }
        requireKnownFields((ObjectNode) body, SubWorkflows.RUN_FIELDS, field + ".");
        try {
            return workflow((ObjectNode) body, now);
        } catch (PayloadTooLargeException e) {
            throw new PayloadTooLargeException(field + "." + e.field(), e.reason());
        } catch (InvalidMessageException e) {
            throw new InvalidMessageException(field + "." + e.field(), e.reason());
        }
    }

    /** How many sub-workflow levels deep a child run may be. */
    public int maxWorkflowDepth() {
        return config.workflow().maxWorkflowDepth();
    }

    private TaskSpec task(ObjectNode node, String at) {
        requireKnownFields(node, TASK_FIELDS, at);
        String id = text(node, "id", at);
        if (!TASK_ID.matcher(id).matches()) {
            throw new InvalidMessageException(
                    at + "id", "'" + abbreviate(id) + "' is not a valid task id (expected " + TASK_ID + ")");
        }
        JsonNode workflow = node.get("workflow");
        boolean sub = workflow != null && !workflow.isNull();
        if (sub) {
            SubWorkflows.requireTaskFields(node, at);
            child(workflow, at + "workflow", Instant.now());
        }
        String agent = sub ? SubWorkflows.AGENT : agent(node, "agent", at);
        JsonNode input = node.has("input") ? node.get("input") : JsonNodeFactory.instance.objectNode();
        List<String> dependsOn = new ArrayList<>();
        Map<String, OnFailure> onFailure = new LinkedHashMap<>();
        JsonNode deps = node.get("dependsOn");
        if (deps != null && !deps.isNull()) {
            if (!deps.isArray()) {
                throw new InvalidMessageException(at + "dependsOn", "must be an array of task ids");
            }
            Set<String> seen = new HashSet<>();
            for (int d = 0; d < deps.size(); d++) {
                String depAt = at + "dependsOn[" + d + "]";
                String dep = DependsOnEdge.read(deps.get(d), depAt, onFailure);
                if (!seen.add(dep)) {
                    throw new InvalidMessageException(depAt, "lists '" + dep + "' twice");
                }
                dependsOn.add(dep);
            }
        }
        String fallback = node.hasNonNull("fallback") ? agent(node, "fallback", at) : null;
        Condition when = DependsOnEdge.condition(node.get("when"), dependsOn, at + "when");
        TaskSpec.ReviewSpec review = ReviewFields.read(node.get("review"), at + "review.", this::agent);
        Team team = TeamFields.read(node, at, review != null, this::agent);
        InputFits.require(input, at, review != null, config.workflow().maxInputBytes(), limits);
        Duration timeout = timeout(node.get("timeout"), at);
        int maxAttempts = intField(node, "maxAttempts", at + "maxAttempts", 0, 1, MAX_ATTEMPTS_LIMIT);
        Long maxTokens = BudgetFields.taskMaxTokens(node.get("maxTokens"), at);
        AgentLoopSpec agentLoop = AgentLoopFields.read(node, at, toolSchemas, this::requireKnownAgent);
        if (team != null && (agentLoop != null || sub)) {
            throw new InvalidMessageException(
                    at + (node.hasNonNull("samples") ? "samples" : "debate"),
                    "cannot be combined with " + (sub ? "workflow" : "tools"));
        }
        return new TaskSpec(
                id,
                agent,
                input,
                dependsOn,
                review,
                bool(node, "optional", at),
                bool(node, "escalate", at),
                timeout,
                maxAttempts,
                maxTokens,
                onFailure,
                fallback,
                when,
                agentLoop,
                sub ? workflow : null,
                team);
    }

    /** The tokens a task of {@code agent} without its own {@code maxTokens} reserves, 0 when its type has no default. */
    public long defaultMaxTokens(String agent) {
        return config.workflow().taskMaxTokens().getOrDefault(agent, 0L);
    }

    /** How many planner generations deep a spawned task may be (a task spawned by a submitted task is 1 deep). */
    public int maxSpawnDepth() {
        return config.workflow().maxSpawnDepth();
    }

    /** Whether {@code tenant}'s allowlist (if it has one) lets its runs use {@code agent}. */
    public boolean allowsAgent(String tenant, String agent) {
        return config.limitsOf(tenant).allows(agent);
    }

    private String agent(ObjectNode node, String field, String at) {
        String agent = text(node, field, at);
        requireKnownAgent(agent, at + field);
        return agent;
    }

    private void requireKnownAgent(String agent, String field) {
        if (!Names.isAgentType(agent)) {
            throw new InvalidMessageException(
                    field, "'" + abbreviate(agent) + "' is not a valid agent type (expected " + Names.AGENT_TYPE + ")");
        }
        if (!knownAgents.isKnown(agent)) {
            throw new InvalidMessageException(field, knownAgents.unknownReason(agent));
        }
    }
}
