package io.agentfleet.orchestrator.workflow;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The JSON text of a tree, the same as {@link JsonNode#toString()}, written by walking the tree on a plain generator.
 * {@code toString()} sets up a serializer provider and looks up serializers on every call, which dominated saving task
 * records and events in the orchestrator's profile. Node kinds other than the plain ones are written by their own
 * {@code toString()}.
 */
final class JsonText {
    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonText() {}

    static String of(JsonNode node) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator gen = FACTORY.createGenerator(out)) {
            write(gen, node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Appends {@code text} as a JSON string literal, escaped as {@link TextNode#toString()} escapes it. */
    static void appendQuoted(StringBuilder out, String text) {
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

    private static void write(JsonGenerator gen, JsonNode node) throws IOException {
        switch (node) {
            case ObjectNode object when object.getClass() == ObjectNode.class -> {
                gen.writeStartObject();
                for (Map.Entry<String, JsonNode> field : object.properties()) {
                    gen.writeFieldName(field.getKey());
                    write(gen, field.getValue());
                }
                gen.writeEndObject();
            }
            case ArrayNode array when array.getClass() == ArrayNode.class -> {
                gen.writeStartArray();
                for (JsonNode element : array) {
                    write(gen, element);
                }
                gen.writeEndArray();
            }
            case TextNode text when text.getClass() == TextNode.class -> gen.writeString(text.textValue());
            case BooleanNode bool -> gen.writeBoolean(bool.booleanValue());
            case IntNode number -> gen.writeNumber(number.intValue());
            case LongNode number -> gen.writeNumber(number.longValue());
            case NullNode ignored -> gen.writeNull();
            default -> gen.writeRawValue(node.toString());
        }
    }
}
