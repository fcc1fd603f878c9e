package io.agentfleet.messages;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.util.Map;

/**
 * Writes one {@link AgentMessage} as JSON, {@code schemaVersion} first. Used once per message (not thread-safe); after
 * {@link #write} it tells the deepest nesting it wrote and whether every node was one whose text no parser limit but
 * size and depth can reject (objects, arrays, strings, booleans, int and long numbers written here).
 */
final class MessageWriter {
    private final ObjectMapper mapper;
    private final boolean walkNodes;
    private int deepest = 1;
    private boolean onlyPlainNodes = true;

    MessageWriter(ObjectMapper mapper) {
        this.mapper = mapper;
        SerializationConfig config = mapper.getSerializationConfig();
        // Walking the tree ourselves matches mapper.writeTree only with its default node output (empty arrays and
        // null properties written); otherwise everything goes through the mapper.
        this.walkNodes = config.isEnabled(SerializationFeature.WRITE_EMPTY_JSON_ARRAYS)
                && config.isEnabled(JsonNodeFeature.WRITE_NULL_PROPERTIES);
    }

    /** The deepest nesting written, the message's own object counting 1 (as the parser counts it). */
    int deepest() {
        return deepest;
    }

    /** Whether every node went through this writer's own walk (no node handed to the mapper). */
    boolean onlyPlainNodes() {
        return onlyPlainNodes;
    }

    void write(JsonGenerator gen, AgentMessage message) throws IOException {
        gen.writeStartObject();
        gen.writeNumberField("schemaVersion", message.schemaVersion());
        gen.writeStringField("messageId", message.messageId());
        gen.writeStringField("type", message.type().name());
        gen.writeStringField("taskId", message.taskId());
        writeOptional(gen, "runId", message.runId());
        writeOptional(gen, "parentMessageId", message.parentMessageId());
        writeOptional(gen, "sender", message.sender());
        gen.writeStringField("recipient", message.recipient());
        gen.writeNumberField("attempt", message.attempt());
        gen.writeNumberField("maxAttempts", message.maxAttempts());
        if (message.deadline() != null) {
            gen.writeNumberField("deadline", message.deadline());
        }
        writeOptional(gen, "replyTo", message.replyTo());
        gen.writeFieldName("content");
        writeContent(gen, message.content());
        writeMetadata(gen, message.metadata());
        if (message.trace() != null) {
            deepest = Math.max(deepest, 2);
            gen.writeObjectFieldStart("trace");
            gen.writeStringField("traceparent", message.trace().traceparent());
            writeOptional(gen, "tracestate", message.trace().tracestate());
            gen.writeEndObject();
        }
        gen.writeNumberField("createdAt", message.createdAt());
        writeOptional(gen, "tenant", message.tenant());
        if (message.priority() != Priority.NORMAL) {
            gen.writeStringField("priority", message.priority().wire());
        }
        for (Map.Entry<String, JsonNode> extra : message.extensions().entrySet()) {
            onlyPlainNodes = false;
            gen.writeFieldName(extra.getKey());
            mapper.writeTree(gen, extra.getValue());
        }
        gen.writeEndObject();
    }

    /**
     * Writes a content tree as {@code mapper.writeTree} would, walking plain objects, arrays, strings, booleans and
     * int/long numbers directly (the usual content) and handing any other node to the mapper. This skips creating a
     * serializer provider and looking up a serializer per message.
     */
    private void writeContent(JsonGenerator gen, ObjectNode content) throws IOException {
        if (walkNodes) {
            writeNode(gen, content, 2);
        } else {
            onlyPlainNodes = false;
            mapper.writeTree(gen, content);
        }
    }

    private void writeNode(JsonGenerator gen, JsonNode node, int depth) throws IOException {
        switch (node) {
            case ObjectNode object
            when object.getClass() == ObjectNode.class -> {
                deepest = Math.max(deepest, depth);
                gen.writeStartObject(object);
                for (Map.Entry<String, JsonNode> field : object.properties()) {
                    gen.writeFieldName(field.getKey());
                    writeNode(gen, field.getValue(), depth + 1);
                }
                gen.writeEndObject();
            }
            case ArrayNode array
            when array.getClass() == ArrayNode.class -> {
                deepest = Math.max(deepest, depth);
                gen.writeStartArray(array, array.size());
                for (JsonNode element : array) {
                    writeNode(gen, element, depth + 1);
                }
                gen.writeEndArray();
            }
            case TextNode text
            when text.getClass() == TextNode.class && text.textValue() != null -> gen.writeString(text.textValue());
            case BooleanNode bool when bool.getClass() == BooleanNode.class -> gen.writeBoolean(bool.booleanValue());
            case IntNode number when number.getClass() == IntNode.class -> gen.writeNumber(number.intValue());
            case LongNode number when number.getClass() == LongNode.class -> gen.writeNumber(number.longValue());
            default -> {
                onlyPlainNodes = false;
                mapper.writeTree(gen, node);
            }
        }
    }

    private static void writeOptional(JsonGenerator gen, String field, String value) throws IOException {
        if (value != null) {
            gen.writeStringField(field, value);
        }
    }

    private void writeMetadata(JsonGenerator gen, Metadata m) throws IOException {
        if (m.equals(Metadata.EMPTY)) {
            return;
        }
        deepest = Math.max(deepest, 2);
        gen.writeObjectFieldStart("metadata");
        if (m.tokensIn() != null) gen.writeNumberField("tokensIn", m.tokensIn());
        if (m.tokensOut() != null) gen.writeNumberField("tokensOut", m.tokensOut());
        if (m.cost() != null) gen.writeNumberField("cost", m.cost());
        writeOptional(gen, "model", m.model());
        if (m.latencyMs() != null) gen.writeNumberField("latencyMs", m.latencyMs());
        if (m.confidence() != null) gen.writeNumberField("confidence", m.confidence());
        gen.writeEndObject();
    }
}
