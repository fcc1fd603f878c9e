package io.agentfleet.orchestrator.workflow.spec;

import static io.agentfleet.orchestrator.workflow.spec.JsonFields.requireKnownFields;
import static io.agentfleet.orchestrator.workflow.spec.JsonFields.text;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.InvalidMessageException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Parses a task's edges: the entries of {@code dependsOn} (an id or {@code {task, onFailure}}) and {@code when}. */
final class DependsOnEdge {
    private static final Set<String> EDGE_FIELDS = Set.of("task", "onFailure");
    private static final Set<String> WHEN_FIELDS = Set.of("task", "pointer", "equals", "notEquals");

    private DependsOnEdge() {}

    /** The upstream id of one {@code dependsOn} entry; an explicit {@code onFailure} is put in {@code policies}. */
    static String read(JsonNode entry, String at, Map<String, OnFailure> policies) {
        if (entry.isTextual()) {
            return entry.asText();
        }
        if (!entry.isObject()) {
            throw new InvalidMessageException(at, "must be a task id string or an object {task, onFailure}");
        }
        ObjectNode edge = (ObjectNode) entry;
        requireKnownFields(edge, EDGE_FIELDS, at + ".");
        String task = text(edge, "task", at + ".");
        JsonNode policy = edge.get("onFailure");
        if (policy != null && !policy.isNull()) {
            OnFailure parsed = policy.isTextual() ? OnFailure.fromWire(policy.asText()) : null;
            if (parsed == null) {
                throw new InvalidMessageException(
                        at + ".onFailure", "must be \"fail\", \"skip\" or \"continue\", but was " + policy);
            }
            policies.put(task, parsed);
        }
        return task;
    }

    /** The task's {@code when}, or null; its task must be one the task depends on. */
    static Condition condition(JsonNode node, List<String> dependsOn, String at) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new InvalidMessageException(at, "must be an object {task, pointer, equals | notEquals}");
        }
        ObjectNode when = (ObjectNode) node;
        requireKnownFields(when, WHEN_FIELDS, at + ".");
        String task = text(when, "task", at + ".");
        if (!dependsOn.contains(task)) {
            throw new InvalidMessageException(
                    at + ".task", "'" + task + "' must also be listed in dependsOn (a condition reads its output)");
        }
        String pointer = text(when, "pointer", at + ".");
        try {
            JsonPointer.compile(pointer);
        } catch (IllegalArgumentException e) {
            throw new InvalidMessageException(at + ".pointer", "is not a JSON pointer (RFC 6901): " + e.getMessage());
        }
        boolean equals = when.has("equals");
        if (equals == when.has("notEquals")) {
            throw new InvalidMessageException(at, "needs exactly one of equals and notEquals");
        }
        JsonNode value = equals ? when.get("equals") : when.get("notEquals");
        return new Condition(task, pointer, value, !equals);
    }
}
