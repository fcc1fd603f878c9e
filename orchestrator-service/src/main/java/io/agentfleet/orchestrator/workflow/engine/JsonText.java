package io.agentfleet.orchestrator.workflow.engine;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Map;

/**
 * The JSON text of a tree, the same as {@link JsonNode#toString()}, written by walking the tree into a
 * {@code StringBuilder}. {@code toString()} sets up a serializer provider and a generator and looks up serializers on
 * every call, which dominated saving task records and events in the orchestrator's profile. Node kinds other than the
 * plain ones are written by their own {@code toString()}.
 */
public final class JsonText {
    private JsonText() {}

    public static String of(JsonNode node) {
        StringBuilder out = new StringBuilder(256);
        append(out, node);
        return out.toString();
    }

    /** Appends {@code text} as a JSON string literal, escaped as {@link TextNode#toString()} escapes it. */
    public static void appendQuoted(StringBuilder out, String text) {
        out.append('"');
        if (needsEscaping(text)) {
            JsonStringEncoder.getInstance().quoteAsString(text, out);
        } else {
            out.append(text);
        }
        out.append('"');
    }

    /** Whether Jackson's default escaping changes {@code text}: control characters, quotes and backslashes only. */
    private static boolean needsEscaping(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\') {
                return true;
            }
        }
        return false;
    }

    static void append(StringBuilder out, JsonNode node) {
        switch (node) {
            case ObjectNode object
            when object.getClass() == ObjectNode.class -> {
                out.append('{');
                String separator = "";
                for (Map.Entry<String, JsonNode> field : object.properties()) {
                    out.append(separator);
                    appendQuoted(out, field.getKey());
                    out.append(':');
                    append(out, field.getValue());
                    separator = ",";
                }
                out.append('}');
            }
            case ArrayNode array
            when array.getClass() == ArrayNode.class -> {
                out.append('[');
                String separator = "";
                for (JsonNode element : array) {
                    out.append(separator);
                    append(out, element);
                    separator = ",";
                }
                out.append(']');
            }
            case TextNode text
            when text.getClass() == TextNode.class && text.textValue() != null -> appendQuoted(out, text.textValue());
            case BooleanNode bool -> out.append(bool.booleanValue());
            case IntNode number -> out.append(number.intValue());
            case LongNode number -> out.append(number.longValue());
            case NullNode ignored -> out.append("null");
            default -> out.append(node.toString());
        }
    }
}
