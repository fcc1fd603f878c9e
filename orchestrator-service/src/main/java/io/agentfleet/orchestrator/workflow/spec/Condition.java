package io.agentfleet.orchestrator.workflow.spec;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * A task's {@code when}: it runs only if the value at {@code pointer} in the output of dependency {@code task} equals
 * {@code value} (or, with {@code negated}, does not). A dependency without an output makes the condition false.
 */
public record Condition(String task, String pointer, JsonNode value, boolean negated) {
    public Condition {
        Objects.requireNonNull(task, "task");
        JsonPointer.compile(pointer);
        Objects.requireNonNull(value, "value");
    }

    /** Whether the condition holds for {@code output}, the dependency's output (null when it has none). */
    public boolean holds(JsonNode output) {
        if (output == null || output.isNull()) {
            return false;
        }
        boolean equal = value.equals(output.at(JsonPointer.compile(pointer)));
        return negated != equal;
    }

    /** The condition as submitted: {@code {task, pointer, equals | notEquals}}. */
    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("task", task);
        n.put("pointer", pointer);
        n.set(negated ? "notEquals" : "equals", value);
        return n;
    }

    /** How the run view and a skipped task's reason describe it. */
    public String describe() {
        return task + pointer + (negated ? " != " : " == ") + value;
    }
}
