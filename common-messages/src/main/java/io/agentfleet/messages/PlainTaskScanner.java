package io.agentfleet.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the usual task's top level straight from its bytes, without a Jackson parser: an object of distinct known
 * fields (and {@code priority}) whose values are ASCII strings without escapes, non-negative integers of at most 18
 * digits, booleans or nulls (a priority only a string), and a {@code content} object, checked by {@link StrictJson} (ASCII only, nesting below the parser's limit, short
 * numbers and names) and left as text ({@link LazyContent}). What it returns is what {@link EnvelopeParser} builds for the same
 * bytes. For anything else (unknown fields, repeated fields, metadata or trace objects, escapes or non-ASCII text,
 * malformed input, whatever would come near a parser limit) it returns null and the caller parses with Jackson, which
 * also produces every error; so it accepts only input Jackson accepts, and reads it the same way.
 */
final class PlainTaskScanner extends StrictJson {
    private static final int MAX_TOP_LEVEL_DIGITS = 18;
    private static final byte[] PRIORITY = MessageFields.PRIORITY.getBytes(StandardCharsets.US_ASCII);

    /** Whether the task has a {@code priority} (then it is not only known fields, and its extensions are looked at). */
    private boolean hasPriority;

    private PlainTaskScanner(byte[] utf8, int maxNestingDepth) {
        super(utf8, maxNestingDepth);
    }

    /** The envelope of {@code utf8}, or null when it is not a plain task. */
    static EnvelopeParser.Envelope scan(ObjectMapper mapper, byte[] utf8) {
        int maxDepth = mapper.getFactory().streamReadConstraints().getMaxNestingDepth();
        return new PlainTaskScanner(utf8, maxDepth).envelope(mapper);
    }

    private EnvelopeParser.Envelope envelope(ObjectMapper mapper) {
        EnvelopeFields fields = new EnvelopeFields();
        skipSpace();
        if (!at('{')) {
            return null;
        }
        i++;
        skipSpace();
        if (at('}')) {
            i++;
        } else {
            while (true) {
                if (!at('"')) {
                    return null;
                }
                int nameStart = i + 1;
                if (!plainString()) {
                    return null;
                }
                int known = EnvelopeFields.indexOf(b, nameStart, i - 1);
                boolean priority = known < 0 && isPriority(nameStart, i - 1);
                skipSpace();
                if ((known < 0 && !priority) || !at(':')) {
                    return null;
                }
                i++;
                skipSpace();
                JsonNode value = known == EnvelopeFields.CONTENT ? content(mapper) : topLevelValue();
                if (priority) {
                    // Not a known field (see MessageFields.priority): read as a string, as Jackson's tree holds it.
                    if (!(value instanceof TextNode) || fields.put(MessageFields.PRIORITY, value) != null) {
                        return null;
                    }
                    hasPriority = true;
                } else if (value == null || !fields.setOnce(known, value)) {
                    return null;
                }
                Next next = next('}');
                if (next == Next.CLOSED) {
                    break;
                }
                if (next == Next.INVALID) {
                    return null;
                }
            }
        }
        skipSpace();
        if (i != b.length) {
            return null;
        }
        return new EnvelopeParser.Envelope(new ObjectNode(mapper.getNodeFactory(), fields), hasPriority);
    }

    private boolean isPriority(int from, int to) {
        return Arrays.equals(b, from, to, PRIORITY, 0, PRIORITY.length);
    }

    private JsonNode content(ObjectMapper mapper) {
        int start = i;
        if (!at('{') || !value(2)) {
            return null;
        }
        return LazyContent.node(mapper, b, start, i - start);
    }

    /** A known field's value other than the content: the node Jackson's tree would hold, or null to decline. */
    private JsonNode topLevelValue() {
        if (i >= b.length) {
            return null;
        }
        byte c = b[i];
        if (c == '"') {
            int start = i + 1;
            return plainString() ? TextNode.valueOf(ascii(start, i - 1)) : null;
        }
        if (c >= '0' && c <= '9') {
            byte[] bytes = b;
            int start = i;
            int j = i;
            long value = 0;
            while (j < bytes.length && bytes[j] >= '0' && bytes[j] <= '9' && j - start < MAX_TOP_LEVEL_DIGITS) {
                value = value * 10 + (bytes[j++] - '0');
            }
            i = j;
            if ((j - start > 1 && c == '0') || !delimiterFollows()) {
                return null;
            }
            return value <= Integer.MAX_VALUE ? IntNode.valueOf((int) value) : LongNode.valueOf(value);
        }
        if (literal("true")) {
            return BooleanNode.TRUE;
        }
        if (literal("false")) {
            return BooleanNode.FALSE;
        }
        return literal("null") ? NullNode.instance : null;
    }
}
