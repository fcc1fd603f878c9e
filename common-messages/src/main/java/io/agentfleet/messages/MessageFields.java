package io.agentfleet.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Reads and validates the fields of a parsed message object; every problem names the field. */
final class MessageFields {
    static final Set<String> KNOWN_FIELDS = Set.of(
            "schemaVersion",
            "messageId",
            "type",
            "taskId",
            "runId",
            "parentMessageId",
            "sender",
            "recipient",
            "attempt",
            "maxAttempts",
            "deadline",
            "replyTo",
            "content",
            "metadata",
            "trace",
            "createdAt",
            "tenant");

    private MessageFields() {}

    static AgentMessage toMessage(ObjectNode root) {
        return toMessage(root, true);
    }

    /** With {@code unknownFields} false the caller's parser saw only known fields, so there is nothing to scan for. */
    static AgentMessage toMessage(ObjectNode root, boolean unknownFields) {
        int schemaVersion = requiredInt(root, "schemaVersion");
        if (schemaVersion != AgentMessage.SCHEMA_VERSION) {
            throw new InvalidMessageException(
                    "schemaVersion",
                    "unsupported version " + schemaVersion + ", this reader knows " + AgentMessage.SCHEMA_VERSION);
        }
        return new AgentMessage(
                schemaVersion,
                requiredText(root, "messageId"),
                messageType(root),
                requiredText(root, "taskId"),
                optionalText(root, "runId", ""),
                optionalText(root, "parentMessageId", ""),
                optionalText(root, "sender", ""),
                requiredText(root, "recipient"),
                root.has("attempt") ? requiredInt(root, "attempt") : 1,
                root.has("maxAttempts") ? requiredInt(root, "maxAttempts") : 0,
                optionalLong(root, "deadline", ""),
                optionalText(root, "replyTo", ""),
                content(root),
                metadata(root.get("metadata")),
                trace(root.get("trace")),
                requiredLong(root, "createdAt"),
                optionalText(root, "tenant", ""),
                priority(root),
                unknownFields ? extensions(root) : null);
    }

    /**
     * The task's level. Not one of {@link #KNOWN_FIELDS}: a {@code priority} this version does not know (another
     * name, another JSON type, as a producer's own field of that name was before priorities existed) leaves the task
     * NORMAL and is kept as an extension, like any unknown field, so old messages read and pass on unchanged.
     */
    private static Priority priority(ObjectNode root) {
        Priority level = levelOf(root.get(PRIORITY));
        return level == null ? Priority.NORMAL : level;
    }

    private static Priority levelOf(JsonNode value) {
        return value != null && value.isTextual() ? Priority.ofWire(value.asText()) : null;
    }

    static final String PRIORITY = "priority";

    private static MessageType messageType(ObjectNode root) {
        String value = requiredText(root, "type");
        try {
            return MessageType.valueOf(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidMessageException(
                    "type",
                    "'" + Names.abbreviate(value)
                            + "' is not one of REQUEST, RESULT, ERROR, UPDATE, CLARIFICATION_NEEDED");
        }
    }

    private static ObjectNode content(ObjectNode root) {
        JsonNode content = root.get("content");
        if (content == null || content.isNull()) {
            throw new InvalidMessageException("content", "is required and must be a JSON object");
        }
        if (!content.isObject()) {
            throw new InvalidMessageException("content", "must be a JSON object, but was " + content.getNodeType());
        }
        return (ObjectNode) content;
    }

    private static Metadata metadata(JsonNode node) {
        if (node == null || node.isNull()) {
            return Metadata.EMPTY;
        }
        if (!node.isObject()) {
            throw new InvalidMessageException("metadata", "must be a JSON object");
        }
        ObjectNode m = (ObjectNode) node;
        return new Metadata(
                optionalLong(m, "tokensIn", "metadata."),
                optionalLong(m, "tokensOut", "metadata."),
                optionalDouble(m, "cost"),
                optionalText(m, "model", "metadata."),
                optionalLong(m, "latencyMs", "metadata."),
                optionalDouble(m, "confidence"));
    }

    private static TraceContext trace(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new InvalidMessageException("trace", "must be a JSON object");
        }
        ObjectNode t = (ObjectNode) node;
        return new TraceContext(optionalText(t, "traceparent", "trace."), optionalText(t, "tracestate", "trace."));
    }

    private static Map<String, JsonNode> extensions(ObjectNode root) {
        Map<String, JsonNode> extra = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            boolean level = field.getKey().equals(PRIORITY) && levelOf(field.getValue()) != null;
            if (!KNOWN_FIELDS.contains(field.getKey()) && !level) {
                if (extra == null) {
                    extra = new LinkedHashMap<>();
                }
                extra.put(field.getKey(), field.getValue());
            }
        }
        return extra;
    }

    private static String requiredText(ObjectNode node, String field) {
        String value = optionalText(node, field, "");
        if (value == null) {
            throw new InvalidMessageException(field, "is required");
        }
        return value;
    }

    private static String optionalText(ObjectNode node, String field, String path) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidMessageException(path + field, "must be a string, but was " + value.getNodeType());
        }
        return value.asText();
    }

    private static int requiredInt(ObjectNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new InvalidMessageException(field, "is required");
        }
        Long integral = integralValue(value);
        if (integral == null || integral != integral.intValue()) {
            throw new InvalidMessageException(
                    field, "must be an integer from -2^31 to 2^31-1, but was " + Names.abbreviate(value.toString()));
        }
        return integral.intValue();
    }

    /**
     * The value of an integer field: an integer literal, or (as JSON Schema counts it) a number with a zero fraction
     * such as {@code 1.0}, within the signed 64-bit range; null for anything else.
     */
    private static Long integralValue(JsonNode value) {
        if (value.isIntegralNumber()) {
            return value.canConvertToLong() ? value.longValue() : null;
        }
        if (value.isBigDecimal()) {
            try {
                return value.decimalValue().longValueExact();
            } catch (ArithmeticException e) {
                return null;
            }
        }
        if (value.isFloatingPointNumber()) {
            double d = value.doubleValue();
            return d == Math.rint(d) && d >= -0x1p63 && d < 0x1p63 ? (long) d : null;
        }
        return null;
    }

    private static long requiredLong(ObjectNode node, String field) {
        Long value = optionalLong(node, field, "");
        if (value == null) {
            throw new InvalidMessageException(field, "is required");
        }
        return value;
    }

    private static Long optionalLong(ObjectNode node, String field, String path) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        Long integral = integralValue(value);
        if (integral == null || Math.abs(integral) > MessageCodec.MAX_SAFE_INTEGER) {
            throw new InvalidMessageException(
                    path + field,
                    "must be an integer from -(2^53-1) to 2^53-1, but was " + Names.abbreviate(value.toString()));
        }
        return integral;
    }

    private static Double optionalDouble(ObjectNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber()) {
            throw new InvalidMessageException("metadata." + field, "must be a number, but was " + value.getNodeType());
        }
        double number = value.doubleValue();
        if (!Double.isFinite(number)) {
            throw new InvalidMessageException(
                    "metadata." + field,
                    "must be a finite number (at most 1.7976931348623157e308 in magnitude), but was "
                            + Names.abbreviate(value.toString()));
        }
        return number;
    }
}
