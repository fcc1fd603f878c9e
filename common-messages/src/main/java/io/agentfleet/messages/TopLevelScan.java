package io.agentfleet.messages;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A lenient, bounded scan of a message's UTF-8 text for a few top-level string fields, for messages that failed
 * decoding (too large, too deep, a bad field). It builds no tree and keeps no stack: one pass over at most
 * {@code maxBytes} bytes, a depth counter, and short strings for the wanted names' values. It stops early once every
 * wanted field was seen, at the end of the top-level object, or at the first byte that cannot be JSON at that point,
 * returning what it found before. A wanted field's first occurrence wins; values longer than
 * {@value #MAX_VALUE_CHARS} characters or containing non-ASCII characters are skipped.
 */
final class TopLevelScan {
    static final int MAX_VALUE_CHARS = 256;

    private final byte[] text;
    private final int end;
    private int pos;

    private TopLevelScan(byte[] text, int maxBytes) {
        this.text = text;
        this.end = Math.min(text.length, maxBytes);
    }

    /** The wanted top-level fields that hold short ASCII strings, by name. */
    static Map<String, String> strings(byte[] utf8, int maxBytes, Set<String> wanted) {
        Map<String, String> found = new HashMap<>();
        try {
            new TopLevelScan(utf8, maxBytes).scan(wanted, found);
        } catch (Stop e) {
            // Malformed or cut off by the bound: keep what was found before.
        }
        return found;
    }

    private void scan(Set<String> wanted, Map<String, String> found) {
        expect('{');
        if (peek() == '}') {
            return;
        }
        while (found.size() < wanted.size()) {
            String name = string();
            expect(':');
            if (name != null && wanted.contains(name) && peek() == '"') {
                String value = string();
                if (value != null) {
                    found.putIfAbsent(name, value);
                }
            } else {
                skipValue();
            }
            int separator = next();
            if (separator == '}') {
                return;
            }
            if (separator != ',') {
                throw Stop.INSTANCE;
            }
        }
    }

    /** Reads a string token; its text, or null when it is too long or not plain ASCII. */
    private String string() {
        expect('"');
        char[] chars = new char[MAX_VALUE_CHARS];
        int length = 0;
        boolean usable = true;
        while (true) {
            int b = raw();
            char c;
            if (b == '"') {
                return usable ? new String(chars, 0, length) : null;
            } else if (b == '\\') {
                c = escape();
            } else if (b >= 0x80 || b < 0x20) {
                usable = false;
                continue;
            } else {
                c = (char) b;
            }
            if (!usable || c >= 0x80 || length == MAX_VALUE_CHARS) {
                usable = false;
            } else {
                chars[length++] = c;
            }
        }
    }

    private char escape() {
        int b = raw();
        return switch (b) {
            case '"', '\\', '/' -> (char) b;
            case 'b' -> '\b';
            case 'f' -> '\f';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case 'u' -> (char) ((hex() << 12) | (hex() << 8) | (hex() << 4) | hex());
            default -> throw Stop.INSTANCE;
        };
    }

    private int hex() {
        int b = raw();
        int digit = Character.digit(b, 16);
        if (digit < 0) {
            throw Stop.INSTANCE;
        }
        return digit;
    }

    /** Skips one value of any kind, nested containers by counting brackets outside strings. */
    private void skipValue() {
        int first = peek();
        if (first == '"') {
            pos++;
            skipStringRest();
            return;
        }
        if (first != '{' && first != '[') {
            skipScalar();
            return;
        }
        long depth = 0;
        do {
            int b = raw();
            if (b == '"') {
                skipStringRest();
            } else if (b == '{' || b == '[') {
                depth++;
            } else if (b == '}' || b == ']') {
                depth--;
            }
        } while (depth > 0);
    }

    /** Skips the rest of a string whose opening quote was consumed. */
    private void skipStringRest() {
        while (true) {
            int b = raw();
            if (b == '"') {
                return;
            }
            if (b == '\\') {
                raw();
            }
        }
    }

    private void skipScalar() {
        while (pos < end) {
            int b = text[pos] & 0xFF;
            if (b == ',' || b == '}' || b == ']' || isWhitespace(b)) {
                return;
            }
            pos++;
        }
        throw Stop.INSTANCE;
    }

    private void expect(char c) {
        if (next() != c) {
            throw Stop.INSTANCE;
        }
    }

    /** The next byte that is not whitespace, consumed. */
    private int next() {
        int b = peek();
        pos++;
        return b;
    }

    /** The next byte that is not whitespace, not consumed. */
    private int peek() {
        while (pos < end && isWhitespace(text[pos] & 0xFF)) {
            pos++;
        }
        if (pos >= end) {
            throw Stop.INSTANCE;
        }
        return text[pos] & 0xFF;
    }

    private int raw() {
        if (pos >= end) {
            throw Stop.INSTANCE;
        }
        return text[pos++] & 0xFF;
    }

    private static boolean isWhitespace(int b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    /** Ends the scan; carries no stack trace, as it is expected control flow on untrusted input. */
    private static final class Stop extends RuntimeException {
        static final Stop INSTANCE = new Stop();

        private Stop() {
            super(null, null, false, false);
        }
    }
}
