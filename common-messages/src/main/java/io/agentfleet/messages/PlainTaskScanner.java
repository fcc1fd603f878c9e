package io.agentfleet.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Reads the usual task's top level straight from its bytes, without a Jackson parser: an object of distinct known
 * fields whose values are ASCII strings without escapes, non-negative integers of at most 18 digits, booleans or nulls,
 * and a {@code content} object, checked to be strict JSON (ASCII only, nesting below the parser's limit, short numbers
 * and names) and left as text ({@link LazyContent}). What it returns is what {@link EnvelopeParser} builds for the same
 * bytes. For anything else (unknown fields, repeated fields, metadata or trace objects, escapes or non-ASCII text,
 * malformed input, whatever would come near a parser limit) it returns null and the caller parses with Jackson, which
 * also produces every error; so it accepts only input Jackson accepts, and reads it the same way.
 */
final class PlainTaskScanner {
    /** Numbers in the content longer than this go to Jackson (its limit, {@link MessageLimits#MAX_NUMBER_CHARS}, is higher). */
    private static final int MAX_NUMBER_CHARS = 100;
    /** Field names in the content longer than this go to Jackson (its limit, {@link MessageLimits#MAX_NAME_CHARS}, is higher). */
    private static final int MAX_NAME_BYTES = 1_000;

    private static final int MAX_TOP_LEVEL_DIGITS = 18;

    /** Per byte: whether it stands for itself inside a string (printable ASCII but the quote and the backslash). */
    private static final boolean[] PLAIN = plainBytes();

    /** Eight bytes of a string at a time: a task's content is mostly long runs of plain text. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;

    private final byte[] b;
    private final int maxNestingDepth;
    private int i;

    private PlainTaskScanner(byte[] utf8, int maxNestingDepth) {
        this.b = utf8;
        this.maxNestingDepth = maxNestingDepth;
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
                skipSpace();
                if (known < 0 || !at(':')) {
                    return null;
                }
                i++;
                skipSpace();
                JsonNode value = known == EnvelopeFields.CONTENT ? content(mapper) : topLevelValue();
                if (value == null || !fields.setOnce(known, value)) {
                    return null;
                }
                skipSpace();
                if (at(',')) {
                    i++;
                    skipSpace();
                } else if (at('}')) {
                    i++;
                    break;
                } else {
                    return null;
                }
            }
        }
        skipSpace();
        if (i != b.length) {
            return null;
        }
        return new EnvelopeParser.Envelope(new ObjectNode(mapper.getNodeFactory(), fields), false);
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

    /** A string without escapes whose chars are printable ASCII; after it, {@code i} is past its closing quote. */
    private boolean plainString() {
        // Locals, not fields, in the loops: the worker's C1-compiled code would load and store them per byte.
        byte[] bytes = b;
        for (int j = i + 1; j < bytes.length; j++) {
            byte c = bytes[j];
            if (c == '"') {
                i = j + 1;
                return true;
            }
            if (c < 0x20 || c == '\\') {
                // Negative bytes (non-ASCII) are below 0x20 too.
                return false;
            }
        }
        return false;
    }

    /** Skips one JSON value at nesting {@code depth} (were it a container), checking it strictly. */
    private boolean value(int depth) {
        if (i >= b.length) {
            return false;
        }
        switch (b[i]) {
            case '{' -> {
                return object(depth);
            }
            case '[' -> {
                return array(depth);
            }
            case '"' -> {
                return string(Integer.MAX_VALUE);
            }
            case 't' -> {
                return literal("true");
            }
            case 'f' -> {
                return literal("false");
            }
            case 'n' -> {
                return literal("null");
            }
            default -> {
                return number();
            }
        }
    }

    private boolean object(int depth) {
        if (depth >= maxNestingDepth) {
            return false;
        }
        i++;
        skipSpace();
        if (at('}')) {
            i++;
            return true;
        }
        while (true) {
            if (!at('"') || !string(MAX_NAME_BYTES)) {
                return false;
            }
            skipSpace();
            if (!at(':')) {
                return false;
            }
            i++;
            skipSpace();
            if (!value(depth + 1)) {
                return false;
            }
            skipSpace();
            if (at(',')) {
                i++;
                skipSpace();
            } else if (at('}')) {
                i++;
                return true;
            } else {
                return false;
            }
        }
    }

    private boolean array(int depth) {
        if (depth >= maxNestingDepth) {
            return false;
        }
        i++;
        skipSpace();
        if (at(']')) {
            i++;
            return true;
        }
        while (true) {
            if (!value(depth + 1)) {
                return false;
            }
            skipSpace();
            if (at(',')) {
                i++;
                skipSpace();
            } else if (at(']')) {
                i++;
                return true;
            } else {
                return false;
            }
        }
    }

    /** A string of printable ASCII and JSON's escapes, at most {@code maxBytes} between its quotes. */
    private boolean string(int maxBytes) {
        byte[] bytes = b;
        int start = i + 1;
        int j = start;
        while (j < bytes.length) {
            if (j + Long.BYTES <= bytes.length && allPlain((long) LONGS.get(bytes, j))) {
                j += Long.BYTES;
                continue;
            }
            if (PLAIN[bytes[j] & 0xFF]) {
                j++;
                continue;
            }
            byte c = bytes[j];
            if (c == '"') {
                i = j + 1;
                return j - start <= maxBytes;
            }
            if (c < 0x20) {
                return false;
            }
            if (c == '\\') {
                i = j;
                if (!escape()) {
                    return false;
                }
                j = i;
            } else {
                j++;
            }
        }
        return false;
    }

    private boolean escape() {
        if (i + 1 >= b.length) {
            return false;
        }
        switch (b[i + 1]) {
            case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {
                i += 2;
                return true;
            }
            case 'u' -> {
                if (i + 5 >= b.length) {
                    return false;
                }
                for (int h = i + 2; h < i + 6; h++) {
                    if (Character.digit(b[h], 16) < 0) {
                        return false;
                    }
                }
                i += 6;
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    /** {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}, then a delimiter. */
    private boolean number() {
        int start = i;
        if (at('-')) {
            i++;
        }
        if (at('0')) {
            i++;
        } else if (digits() == 0) {
            return false;
        }
        if (at('.')) {
            i++;
            if (digits() == 0) {
                return false;
            }
        }
        if (at('e') || at('E')) {
            i++;
            if (at('+') || at('-')) {
                i++;
            }
            if (digits() == 0) {
                return false;
            }
        }
        return i - start <= MAX_NUMBER_CHARS && delimiterFollows();
    }

    private int digits() {
        byte[] bytes = b;
        int j = i;
        while (j < bytes.length && bytes[j] >= '0' && bytes[j] <= '9') {
            j++;
        }
        int count = j - i;
        i = j;
        return count;
    }

    private boolean literal(String word) {
        int n = word.length();
        if (i + n > b.length) {
            return false;
        }
        for (int k = 0; k < n; k++) {
            if (b[i + k] != word.charAt(k)) {
                return false;
            }
        }
        i += n;
        return delimiterFollows();
    }

    /** Whether what follows a number or literal ends it as Jackson sees it: space, a separator or a closing bracket. */
    private boolean delimiterFollows() {
        if (i >= b.length) {
            return false;
        }
        byte c = b[i];
        return c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    private void skipSpace() {
        byte[] bytes = b;
        int j = i;
        while (j < bytes.length) {
            byte c = bytes[j];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                break;
            }
            j++;
        }
        i = j;
    }

    private boolean at(char c) {
        return i < b.length && b[i] == c;
    }

    /**
     * Whether each of the eight bytes in {@code x} is {@link #PLAIN}: none is the quote or the backslash (no zero byte
     * after XOR with it), below 0x20 (a borrow sets its high bit) or non-ASCII (its high bit set).
     */
    private static boolean allPlain(long x) {
        long quote = x ^ (ONES * '"');
        long backslash = x ^ (ONES * '\\');
        long special = ((quote - ONES) & ~quote) | ((backslash - ONES) & ~backslash) | (x - ONES * 0x20) | x;
        return (special & HIGH_BITS) == 0;
    }

    private static boolean[] plainBytes() {
        boolean[] plain = new boolean[256];
        for (int c = 0x20; c < 0x80; c++) {
            plain[c] = c != '"' && c != '\\';
        }
        return plain;
    }

    private String ascii(int from, int to) {
        return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    }
}
