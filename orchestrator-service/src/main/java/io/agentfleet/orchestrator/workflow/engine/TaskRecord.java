package io.agentfleet.orchestrator.workflow.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.orchestrator.workflow.agentloop.AgentLoopSpec;
import io.agentfleet.orchestrator.workflow.spec.Condition;
import io.agentfleet.orchestrator.workflow.spec.OnFailure;
import io.agentfleet.orchestrator.workflow.spec.TaskSpec;
import io.agentfleet.orchestrator.workflow.spec.Team;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One task of a run as stored in the run's state hash (field {@code t:<id>}, a JSON object). Mutable, engine-internal. */
final class TaskRecord {
    final String id;
    final String agent;
    final JsonNode input;
    final List<String> dependsOn;
    final TaskSpec.ReviewSpec review;
    final boolean optional;
    final boolean escalate;
    final Duration timeout;
    final int maxAttempts;
    final Long maxTokens;
    final String spawnedBy;
    final Map<String, OnFailure> onFailure;
    final String fallback;
    final Condition when;
    final AgentLoopSpec agentLoop;
    /** The sub-workflow the task runs as a child run, or null for an agent's task. */
    final JsonNode workflow;
    /** Its part in samples or a debate, or null. */
    final Team team;

    TaskState state = TaskState.PENDING;
    int revision;
    int dispatches;
    int attempts;
    /** Whether the task has been handed to its {@link #fallback} agent type. */
    boolean fallbackUsed;
    /** The run id of the child run of a sub-workflow task's current dispatch, else null. */
    String childRun;

    String wireId;
    JsonNode output;
    JsonNode candidate;
    String feedback;
    JsonNode answer;
    JsonNode question;
    JsonNode error;
    long tokensIn;
    long tokensOut;
    /** Tokens reserved against the run's budget for the dispatch in flight (the task's or its review's), else 0. */
    long reserved;

    double cost;
    long createdAt;
    long dispatchedAt;
    long completedAt;
    /** How a sample owner picked its output (method, votes, chosen sample), or null. */
    JsonNode aggregation;
    /** {@link #input} as JSON text, computed once: the input never changes and is rewritten with every save. */
    private String inputJson;
    /** Canonical forms for the loop fingerprint, computed once per value ({@link LoopDetector#canonical}). */
    private String canonicalInput;

    private JsonNode canonicalOutputOf;
    private String canonicalOutput;

    TaskRecord(TaskSpec spec, String spawnedBy, long createdAt) {
        this.id = spec.id();
        this.agent = spec.agent();
        this.input = spec.input();
        this.dependsOn = List.copyOf(spec.dependsOn());
        this.review = spec.review();
        this.optional = spec.optional();
        this.escalate = spec.escalate();
        this.timeout = spec.timeout();
        this.maxAttempts = spec.maxAttempts();
        this.maxTokens = spec.maxTokens();
        this.spawnedBy = spawnedBy;
        this.onFailure = spec.onFailure();
        this.fallback = spec.fallback();
        this.when = spec.when();
        this.agentLoop = spec.agentLoop();
        this.workflow = spec.workflow();
        this.team = spec.team();
        this.createdAt = createdAt;
    }

    /** The agent type the task is (or will next be) dispatched to. */
    String currentAgent() {
        return fallbackUsed ? fallback : agent;
    }

    /**
     * An independent copy equal to what {@code fromJson} of {@link #toJsonText()} would give (values that serialisation
     * drops or truncates are normalised the same way). JSON values are shared: the engine never changes a node in place.
     */
    TaskRecord copy() {
        TaskSpec spec = new TaskSpec(
                id,
                agent,
                input == null ? NullNode.instance : input,
                dependsOn,
                review,
                optional,
                escalate,
                timeout == null ? null : Duration.ofMillis(timeout.toMillis()),
                maxAttempts,
                maxTokens,
                onFailure,
                fallback,
                when,
                agentLoop,
                workflow,
                team);
        TaskRecord t = new TaskRecord(spec, spawnedBy, createdAt);
        t.inputJson = inputJson;
        t.canonicalInput = canonicalInput;
        t.canonicalOutputOf = canonicalOutputOf;
        t.canonicalOutput = canonicalOutput;
        t.state = state;
        t.revision = revision;
        t.dispatches = dispatches;
        t.attempts = attempts;
        t.fallbackUsed = fallbackUsed;
        t.childRun = childRun;
        t.wireId = wireId;
        t.output = present(output);
        t.candidate = present(candidate);
        t.feedback = feedback;
        t.answer = present(answer);
        t.question = present(question);
        t.error = present(error);
        t.tokensIn = tokensIn;
        t.tokensOut = tokensOut;
        t.reserved = reserved;
        t.cost = cost;
        t.dispatchedAt = dispatchedAt;
        t.completedAt = completedAt;
        t.aggregation = present(aggregation);
        return t;
    }

    private static JsonNode present(JsonNode value) {
        return value == null || value.isNull() ? null : value;
    }

    private String inputJson() {
        if (inputJson == null) {
            inputJson = input == null ? "null" : JsonText.of(input);
        }
        return inputJson;
    }

    String canonicalInput() {
        if (canonicalInput == null) {
            // A string's canonical form is its JSON text, which the record already holds.
            canonicalInput = input != null && input.isTextual() ? inputJson() : LoopDetector.canonical(input);
        }
        return canonicalInput;
    }

    String canonicalOutput() {
        if (canonicalOutputOf != output) {
            canonicalOutput = LoopDetector.canonical(output);
            canonicalOutputOf = output;
        }
        return canonicalOutput;
    }

    void moveTo(TaskState next) {
        Transitions.require(id, state, next);
        state = next;
    }

    /**
     * The stored JSON text ({@link TaskRecordJson}). The input, which never changes and is most of a record's bytes, is spliced in as its cached
     * text instead of going through Jackson again with every save.
     */
    String toJsonText() {
        return TaskRecordJson.of(this, inputJson());
    }

    static TaskRecord fromJson(String id, ObjectNode n) {
        TaskSpec.ReviewSpec review = null;
        JsonNode r = n.get("review");
        if (r != null && r.isObject()) {
            review = new TaskSpec.ReviewSpec(
                    r.path("agent").asText(),
                    r.path("maxRevisions").asInt(),
                    "accept".equals(r.path("onExhausted").asText()));
        }
        List<String> deps = new ArrayList<>();
        n.path("dependsOn").forEach(d -> deps.add(d.asText()));
        Map<String, OnFailure> onFailure = new LinkedHashMap<>();
        n.path("onFailure")
                .fields()
                .forEachRemaining(e -> onFailure.put(
                        e.getKey(), OnFailure.fromWire(e.getValue().asText())));
        JsonNode w = n.get("when");
        Condition when = w == null || !w.isObject()
                ? null
                : new Condition(
                        w.path("task").asText(),
                        w.path("pointer").asText(),
                        w.has("notEquals") ? w.get("notEquals") : w.get("equals"),
                        w.has("notEquals"));
        Duration timeout =
                n.has("timeoutMs") ? Duration.ofMillis(n.get("timeoutMs").asLong()) : null;
        TaskSpec spec = new TaskSpec(
                id,
                n.path("agent").asText(),
                n.get("input"),
                deps,
                review,
                n.path("optional").asBoolean(),
                n.path("escalate").asBoolean(),
                timeout,
                n.path("maxAttempts").asInt(),
                n.hasNonNull("maxTokens") ? n.get("maxTokens").asLong() : null,
                onFailure,
                n.hasNonNull("fallback") ? n.get("fallback").asText() : null,
                when,
                AgentLoopSpec.fromJson(n.get("agentLoop")),
                n.hasNonNull("workflow") ? n.get("workflow") : null,
                Team.fromJson(n.get("team")));
        TaskRecord t = new TaskRecord(
                spec,
                n.hasNonNull("spawnedBy") ? n.get("spawnedBy").asText() : null,
                n.path("createdAt").asLong());
        t.state = TaskState.valueOf(n.path("state").asText("PENDING"));
        t.revision = n.path("revision").asInt();
        t.dispatches = n.path("dispatches").asInt();
        t.attempts = n.path("attempts").asInt();
        t.fallbackUsed = n.path("fallbackUsed").asBoolean();
        t.childRun = n.hasNonNull("childRun") ? n.get("childRun").asText() : null;
        t.wireId = n.hasNonNull("wireId") ? n.get("wireId").asText() : null;
        t.output = n.get("output");
        t.candidate = n.get("candidate");
        t.feedback = n.hasNonNull("feedback") ? n.get("feedback").asText() : null;
        t.answer = n.get("answer");
        t.question = n.get("question");
        t.error = n.get("error");
        t.tokensIn = n.path("tokensIn").asLong();
        t.tokensOut = n.path("tokensOut").asLong();
        t.reserved = n.path("reserved").asLong();
        t.cost = n.path("cost").asDouble();
        t.dispatchedAt = n.path("dispatchedAt").asLong();
        t.completedAt = n.path("completedAt").asLong();
        t.aggregation = n.get("aggregation");
        return t;
    }
}
