package io.agentfleet.orchestrator.workflow.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DoubleNode;

/**
 * A task record's stored JSON text, written field by field into one buffer: the same text, in the same field order,
 * as building the record's tree and writing that, which saving records did at every transition. The input's text is
 * given, computed once per record.
 */
final class TaskRecordJson {
    private final StringBuilder out;

    private TaskRecordJson(int capacity) {
        this.out = new StringBuilder(capacity);
    }

    static String of(TaskRecord t, String inputJson) {
        TaskRecordJson w = new TaskRecordJson(inputJson.length() + 512);
        w.out.append("{\"input\":").append(inputJson);
        w.string("agent", t.agent);
        w.name("dependsOn");
        w.out.append('[');
        for (int i = 0; i < t.dependsOn.size(); i++) {
            if (i > 0) {
                w.out.append(',');
            }
            w.quoted(t.dependsOn.get(i));
        }
        w.out.append(']');
        if (t.review != null) {
            w.name("review");
            w.out.append("{\"agent\":");
            w.quoted(t.review.agent());
            w.out.append(",\"maxRevisions\":").append(t.review.maxRevisions());
            w.out.append(",\"onExhausted\":").append(t.review.acceptWhenExhausted() ? "\"accept\"}" : "\"fail\"}");
        }
        w.bool("optional", t.optional);
        w.bool("escalate", t.escalate);
        if (t.timeout != null) {
            w.number("timeoutMs", t.timeout.toMillis());
        }
        w.number("maxAttempts", t.maxAttempts);
        if (t.maxTokens != null) {
            w.number("maxTokens", t.maxTokens);
        }
        w.stringIfPresent("spawnedBy", t.spawnedBy);
        if (!t.onFailure.isEmpty()) {
            w.name("onFailure");
            w.out.append('{');
            String separator = "";
            for (var edge : t.onFailure.entrySet()) {
                w.out.append(separator);
                w.quoted(edge.getKey());
                w.out.append(':');
                w.quoted(edge.getValue().wire());
                separator = ",";
            }
            w.out.append('}');
        }
        w.stringIfPresent("fallback", t.fallback);
        if (t.fallbackUsed) {
            w.bool("fallbackUsed", true);
        }
        if (t.when != null) {
            w.node("when", t.when.toJson());
        }
        if (t.agentLoop != null) {
            w.node("agentLoop", t.agentLoop.toJson());
        }
        w.nodeIfPresent("workflow", t.workflow);
        w.stringIfPresent("childRun", t.childRun);
        if (t.team != null) {
            w.node("team", t.team.toJson());
        }
        w.string("state", t.state.name());
        w.number("revision", t.revision);
        w.number("dispatches", t.dispatches);
        w.number("attempts", t.attempts);
        w.stringIfPresent("wireId", t.wireId);
        w.nodeIfPresent("output", t.output);
        w.nodeIfPresent("candidate", t.candidate);
        w.stringIfPresent("feedback", t.feedback);
        w.nodeIfPresent("answer", t.answer);
        w.nodeIfPresent("question", t.question);
        w.nodeIfPresent("error", t.error);
        w.number("tokensIn", t.tokensIn);
        w.number("tokensOut", t.tokensOut);
        w.number("reserved", t.reserved);
        w.name("cost");
        if (Double.isFinite(t.cost)) {
            w.out.append(t.cost);
        } else {
            JsonText.append(w.out, DoubleNode.valueOf(t.cost));
        }
        w.number("createdAt", t.createdAt);
        w.number("dispatchedAt", t.dispatchedAt);
        w.number("completedAt", t.completedAt);
        w.nodeIfPresent("aggregation", t.aggregation);
        return w.out.append('}').toString();
    }

    /** A field name: the names here are plain ASCII and need no escaping. */
    private void name(String name) {
        out.append(",\"").append(name).append("\":");
    }

    private void quoted(String value) {
        if (value == null) {
            out.append("null");
        } else {
            JsonText.appendQuoted(out, value);
        }
    }

    private void string(String name, String value) {
        name(name);
        quoted(value);
    }

    private void stringIfPresent(String name, String value) {
        if (value != null) {
            string(name, value);
        }
    }

    private void number(String name, long value) {
        name(name);
        out.append(value);
    }

    private void bool(String name, boolean value) {
        name(name);
        out.append(value);
    }

    private void node(String name, JsonNode value) {
        name(name);
        if (value == null) {
            out.append("null");
        } else {
            JsonText.append(out, value);
        }
    }

    private void nodeIfPresent(String name, JsonNode value) {
        if (value != null && !value.isNull()) {
            node(name, value);
        }
    }
}
