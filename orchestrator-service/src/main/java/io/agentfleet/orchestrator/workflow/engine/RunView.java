package io.agentfleet.orchestrator.workflow.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Locale;

/** The public view of a run, for {@code GET /v1/runs/{id}}. */
public final class RunView {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private RunView() {}

    public static ObjectNode of(RunState run) {
        ObjectNode v = JsonNodeFactory.instance.objectNode();
        v.put("runId", run.runId);
        v.put("kind", run.kind());
        v.put("status", run.status().name());
        if (run.scheduleId() != null) {
            v.put("scheduleId", run.scheduleId());
            putTime(v, "scheduledFor", run.scheduledFor());
        }
        if (run.parentRun() != null) {
            v.put("parentRun", run.parentRun());
            v.put("parentTask", run.parentTask());
            v.put("depth", run.depth());
        }
        putTime(v, "createdAt", run.createdAt());
        putTime(v, "updatedAt", run.updatedAt());
        putTime(v, "finishedAt", run.finishedAt());
        if (run.finishedAt() > 0) {
            v.put("durationMs", run.finishedAt() - run.createdAt());
        }
        putTime(v, "deadline", run.deadline());
        putTime(v, "startAt", run.startAt());
        v.put("steps", run.steps());
        v.put("maxSteps", run.maxSteps());
        ObjectNode u = v.putObject("usage");
        u.put("tokensIn", run.spend().tokensIn());
        u.put("tokensOut", run.spend().tokensOut());
        u.put("tokens", run.spend().tokensIn() + run.spend().tokensOut());
        u.put("cost", run.spend().cost());
        u.put("reservedTokens", run.spend().reservedTokens());
        ObjectNode b = v.putObject("budget");
        if (run.spend().maxTokens() != null) {
            b.put("maxTokens", run.spend().maxTokens());
        }
        if (run.spend().maxCost() != null) {
            b.put("maxCost", run.spend().maxCost());
        }
        b.put("onBudget", run.spend().onBudget().name().toLowerCase(Locale.ROOT));
        String error = run.errorText();
        if (error != null) {
            try {
                v.set("error", MAPPER.readTree(error));
            } catch (JsonProcessingException e) {
                v.put("error", error);
            }
        }
        ArrayNode list = v.putArray("tasks");
        for (TaskRecord t : run.tasks()) {
            ObjectNode n = list.addObject();
            n.put("id", t.id);
            n.put("agent", t.agent);
            n.put("state", t.state.name());
            ArrayNode deps = n.putArray("dependsOn");
            t.dependsOn.forEach(deps::add);
            if (t.spawnedBy != null) {
                n.put("spawnedBy", t.spawnedBy);
            }
            if (!t.onFailure.isEmpty()) {
                ObjectNode edges = n.putObject("onFailure");
                t.onFailure.forEach((dep, policy) -> edges.put(dep, policy.wire()));
            }
            if (t.when != null) {
                n.set("when", t.when.toJson());
            }
            if (t.team != null) {
                n.set("team", t.team.toJson());
            }
            setIfPresent(n, "aggregation", t.aggregation);
            if (t.fallback != null) {
                n.put("fallback", t.fallback);
                n.put("fallbackUsed", t.fallbackUsed);
            }
            n.put("optional", t.optional);
            n.put("escalate", t.escalate);
            if (t.review != null) {
                n.put("reviewer", t.review.agent());
            }
            n.put("revision", t.revision);
            n.put("dispatches", t.dispatches);
            n.put("attempts", t.attempts);
            if (t.wireId != null) {
                n.put("wireTaskId", t.wireId);
            }
            if (t.childRun != null) {
                n.put("childRun", t.childRun);
            }
            n.set("input", t.input);
            setIfPresent(n, "output", t.output);
            if (t.feedback != null) {
                n.put("feedback", t.feedback);
            }
            setIfPresent(n, "question", t.question);
            setIfPresent(n, "error", t.error);
            ObjectNode tu = n.putObject("usage");
            tu.put("tokensIn", t.tokensIn);
            tu.put("tokensOut", t.tokensOut);
            tu.put("tokens", t.tokensIn + t.tokensOut);
            tu.put("cost", t.cost);
            if (t.maxTokens != null) {
                n.put("maxTokens", t.maxTokens);
            }
            putTime(n, "dispatchedAt", t.dispatchedAt);
            putTime(n, "completedAt", t.completedAt);
            if (t.completedAt > 0 && t.dispatchedAt > 0) {
                n.put("durationMs", t.completedAt - t.dispatchedAt);
            }
            if (t.agentLoop != null) {
                ArrayNode tools = n.putArray("tools");
                t.agentLoop.tools().forEach(tool -> tools.add(tool.name()));
                n.put("maxTurns", t.agentLoop.maxTurns());
            }
        }
        return v;
    }

    private static void putTime(ObjectNode n, String field, long epochMs) {
        if (epochMs > 0) {
            n.put(field, Instant.ofEpochMilli(epochMs).toString());
        }
    }

    private static void setIfPresent(ObjectNode n, String field, JsonNode value) {
        if (value != null && !value.isNull()) {
            n.set(field, value);
        }
    }
}
