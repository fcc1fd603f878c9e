package io.agentfleet.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * Writes the usual {@link AgentMessage} straight into UTF-8 bytes, byte for byte what {@link MessageWriter} writes
 * through the codec's Jackson generator (same field order, escapes and number text), without a generator per message:
 * every outcome a worker records goes through here. It covers messages without extensions or non-integral metadata
 * numbers, whose content holds only plain objects, arrays, strings, booleans and int/long numbers, no string with a
 * surrogate char, and nesting below the codec's limit; for anything else {@link #write} returns null and the caller
 * takes the Jackson path, which also produces every error. Used once per message (not thread-safe).
 */
final class DirectMessageWriter {
    /** Per ASCII char: 0 written as is, -1 written as a six-char {@code u00XX} escape, else the char after a backslash (Jackson's). */
    private static final int[] ESCAPES = escapes();

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRUE = ascii("true");
    private static final byte[] FALSE = ascii("false");

    private final int maxNestingDepth;
    private byte[] out;
    private int at;
    private int deepest = 1;

    /** @param maxNestingDepth the codec's limit: anything reaching it is left to the Jackson path */
    DirectMessageWriter(int maxNestingDepth) {
        this.maxNestingDepth = maxNestingDepth;
    }

    /** The deepest nesting written, the message's own object counting 1 (as {@link MessageWriter#deepest()}). */
    int deepest() {
        return deepest;
    }

    /** The message's JSON as UTF-8, or null when it is not one this writer covers. */
    byte[] write(AgentMessage message) {
        Metadata m = message.metadata();
        if (!message.extensions().isEmpty() || m.cost() != null || m.confidence() != null) {
            return null;
        }
        out = new byte[512 + message.content().size() * 48];
        at = 0;
        raw(Field.SCHEMA_VERSION);
        number(message.schemaVersion());
        if (!(field(Field.MESSAGE_ID, message.messageId())
                && field(Field.TYPE, message.type().name())
                && field(Field.TASK_ID, message.taskId())
                && optional(Field.RUN_ID, message.runId())
                && optional(Field.PARENT_MESSAGE_ID, message.parentMessageId())
                && optional(Field.SENDER, message.sender())
                && field(Field.RECIPIENT, message.recipient()))) {
            return null;
        }
        raw(Field.ATTEMPT);
        number(message.attempt());
        raw(Field.MAX_ATTEMPTS);
        number(message.maxAttempts());
        if (message.deadline() != null) {
            raw(Field.DEADLINE);
            number(message.deadline());
        }
        if (!optional(Field.REPLY_TO, message.replyTo())) {
            return null;
        }
        raw(Field.CONTENT);
        if (!node(message.content(), 2) || !metadata(m) || !trace(message.trace())) {
            return null;
        }
        raw(Field.CREATED_AT);
        number(message.createdAt());
        if (!optional(Field.TENANT, message.tenant())) {
            return null;
        }
        if (message.priority() != Priority.NORMAL
                && !field(Field.PRIORITY, message.priority().wire())) {
            return null;
        }
        put((byte) '}');
        return Arrays.copyOf(out, at);
    }

    private boolean metadata(Metadata m) {
        if (m.equals(Metadata.EMPTY)) {
            return true;
        }
        deepest = Math.max(deepest, 2);
        raw(Field.METADATA);
        boolean first = true;
        first = optionalNumber(Field.TOKENS_IN, m.tokensIn(), first);
        first = optionalNumber(Field.TOKENS_OUT, m.tokensOut(), first);
        if (m.model() != null) {
            raw(first ? Field.MODEL.first : Field.MODEL.next);
            first = false;
            if (!string(m.model())) {
                return false;
            }
        }
        optionalNumber(Field.LATENCY_MS, m.latencyMs(), first);
        put((byte) '}');
        return true;
    }

    private boolean optionalNumber(Field field, Long value, boolean first) {
        if (value == null) {
            return first;
        }
        raw(first ? field.first : field.next);
        number(value);
        return false;
    }

    private boolean trace(TraceContext trace) {
        if (trace == null) {
            return true;
        }
        deepest = Math.max(deepest, 2);
        raw(Field.TRACE);
        if (trace.traceparent() == null || !string(trace.traceparent())) {
            return false;
        }
        if (!optional(Field.TRACESTATE, trace.tracestate())) {
            return false;
        }
        put((byte) '}');
        return true;
    }

    /** As MessageWriter.writeNode for plain nodes; false for any other node or at the depth limit. */
    private boolean node(JsonNode node, int depth) {
        if (node.getClass() == ObjectNode.class) {
            if (depth >= maxNestingDepth) {
                return false;
            }
            deepest = Math.max(deepest, depth);
            put((byte) '{');
            boolean first = true;
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                if (!first) {
                    put((byte) ',');
                }
                first = false;
                if (!string(field.getKey())) {
                    return false;
                }
                put((byte) ':');
                if (!node(field.getValue(), depth + 1)) {
                    return false;
                }
            }
            put((byte) '}');
            return true;
        }
        if (node.getClass() == ArrayNode.class) {
            if (depth >= maxNestingDepth) {
                return false;
            }
            deepest = Math.max(deepest, depth);
            put((byte) '[');
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) {
                    put((byte) ',');
                }
                if (!node(node.get(i), depth + 1)) {
                    return false;
                }
            }
            put((byte) ']');
            return true;
        }
        if (node.getClass() == TextNode.class) {
            return node.textValue() != null && string(node.textValue());
        }
        if (node.getClass() == BooleanNode.class) {
            raw(node.booleanValue() ? TRUE : FALSE);
            return true;
        }
        if (node.getClass() == IntNode.class || node.getClass() == LongNode.class) {
            number(node.longValue());
            return true;
        }
        return false;
    }

    private boolean field(Field field, String value) {
        raw(field.next);
        return string(value);
    }

    private boolean optional(Field field, String value) {
        return value == null || field(field, value);
    }

    /** A quoted JSON string as Jackson's UTF-8 generator writes it; false for a string with a surrogate char. */
    private boolean string(String value) {
        int length = value.length();
        ensure(2 + length * 6);
        byte[] b = out;
        int i = at;
        b[i++] = '"';
        for (int c = 0; c < length; c++) {
            char ch = value.charAt(c);
            if (ch < 0x80) {
                int escape = ESCAPES[ch];
                if (escape == 0) {
                    b[i++] = (byte) ch;
                } else if (escape > 0) {
                    b[i++] = '\\';
                    b[i++] = (byte) escape;
                } else {
                    b[i++] = '\\';
                    b[i++] = 'u';
                    b[i++] = '0';
                    b[i++] = '0';
                    b[i++] = HEX[ch >> 4];
                    b[i++] = HEX[ch & 0xF];
                }
            } else if (ch < 0x800) {
                b[i++] = (byte) (0xC0 | (ch >> 6));
                b[i++] = (byte) (0x80 | (ch & 0x3F));
            } else if (Character.isSurrogate(ch)) {
                return false;
            } else {
                b[i++] = (byte) (0xE0 | (ch >> 12));
                b[i++] = (byte) (0x80 | ((ch >> 6) & 0x3F));
                b[i++] = (byte) (0x80 | (ch & 0x3F));
            }
        }
        b[i++] = '"';
        at = i;
        return true;
    }

    private void number(long value) {
        String text = Long.toString(value);
        ensure(text.length());
        for (int i = 0; i < text.length(); i++) {
            out[at++] = (byte) text.charAt(i);
        }
    }

    private void raw(Field field) {
        raw(field.next);
    }

    private void raw(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, out, at, bytes.length);
        at += bytes.length;
    }

    private void put(byte b) {
        ensure(1);
        out[at++] = b;
    }

    private void ensure(int more) {
        if (at + more > out.length) {
            out = Arrays.copyOf(out, Math.max(out.length * 2, at + more));
        }
    }

    private static int[] escapes() {
        int[] table = new int[128];
        for (int c = 0; c < 0x20; c++) {
            table[c] = -1;
        }
        table['"'] = '"';
        table['\\'] = '\\';
        table['\b'] = 'b';
        table['\t'] = 't';
        table['\f'] = 'f';
        table['\n'] = 'n';
        table['\r'] = 'r';
        return table;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** The envelope's field names as written: {@code next} after another field, {@code first} opening an object. */
    private enum Field {
        SCHEMA_VERSION("{\"schemaVersion\":", ""),
        MESSAGE_ID("messageId"),
        TYPE("type"),
        TASK_ID("taskId"),
        RUN_ID("runId"),
        PARENT_MESSAGE_ID("parentMessageId"),
        SENDER("sender"),
        RECIPIENT("recipient"),
        ATTEMPT("attempt"),
        MAX_ATTEMPTS("maxAttempts"),
        DEADLINE("deadline"),
        REPLY_TO("replyTo"),
        CONTENT("content"),
        METADATA(",\"metadata\":{", ""),
        TOKENS_IN("tokensIn"),
        TOKENS_OUT("tokensOut"),
        MODEL("model"),
        LATENCY_MS("latencyMs"),
        TRACE(",\"trace\":{\"traceparent\":", ""),
        TRACESTATE("tracestate"),
        CREATED_AT("createdAt"),
        TENANT("tenant"),
        PRIORITY("priority");

        final byte[] next;
        final byte[] first;

        Field(String name) {
            this(",\"" + name + "\":", "\"" + name + "\":");
        }

        Field(String next, String first) {
            this.next = ascii(next);
            this.first = ascii(first);
        }
    }
}
