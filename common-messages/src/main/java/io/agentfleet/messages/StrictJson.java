package io.agentfleet.messages;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A cursor over UTF-8 JSON that checks what it skips strictly: it accepts only ASCII text that Jackson's parser (with
 * the codec's settings) accepts, and reports anything else, or anything near a parser limit, as false, so that the
 * caller can leave that input to Jackson. Used once per message (not thread-safe).
 */
abstract class StrictJson {
    /** Longer numbers are declined (the parser's limit, {@link MessageLimits#MAX_NUMBER_CHARS}, is higher). */
    private static final int MAX_NUMBER_CHARS = 100;
    /** Longer field names are declined (the parser's limit, {@link MessageLimits#MAX_NAME_CHARS}, is higher). */
    private static final int MAX_NAME_BYTES = 1_000;

    /** Per byte: whether it stands for itself inside a string (printable ASCII but the quote and the backslash). */
    private static final boolean[] PLAIN = plainBytes();

    /** Eight bytes of a string at a time: a task's content is mostly long runs of plain text. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;

    final byte[] b;
    final int maxNestingDepth;
    /** The position of the next byte to read. */
    int i;

    StrictJson(byte[] utf8, int maxNestingDepth) {
        this.b = utf8;
        this.maxNestingDepth = maxNestingDepth;
    }

    /** A string without escapes whose chars are printable ASCII; after it, {@code i} is past its closing quote. */
    final boolean plainString() {
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
    final boolean value(int depth) {
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
            switch (next('}')) {
                case MORE -> {}
                case CLOSED -> {
                    return true;
                }
                case INVALID -> {
                    return false;
                }
            }
        }
    }

    /** What follows a member or an element: a comma (more to come), {@code close}, or anything else. */
    enum Next {
        MORE,
        CLOSED,
        INVALID
    }

    /** Reads past what follows a member or an element of a container that {@code close} ends. */
    final Next next(char close) {
        skipSpace();
        if (at(',')) {
            i++;
            skipSpace();
            return Next.MORE;
        }
        if (at(close)) {
            i++;
            return Next.CLOSED;
        }
        return Next.INVALID;
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
            switch (next(']')) {
                case MORE -> {}
                case CLOSED -> {
                    return true;
                }
                case INVALID -> {
                    return false;
                }
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

    final boolean literal(String word) {
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
    final boolean delimiterFollows() {
        if (i >= b.length) {
            return false;
        }
        byte c = b[i];
        return c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    final void skipSpace() {
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

    final boolean at(char c) {
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

    final String ascii(int from, int to) {
        return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    }
}
