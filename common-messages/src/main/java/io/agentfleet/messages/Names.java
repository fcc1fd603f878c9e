package io.agentfleet.messages;

import java.util.regex.Pattern;

/**
 * The rules for names that end up inside Redis keys. Agent types appear in hash tags ({@code fleet:{A}:tasks}), so
 * they may not contain braces, colons or spaces; ids are bounded and printable.
 */
public final class Names {
    /** Lower-case letters, digits, '-' and '_', starting with a letter or digit, at most 64 characters. */
    public static final Pattern AGENT_TYPE = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    /** Letters, digits and {@code . _ : / @ -}, 1 to 200 characters. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9._:/@-]{1,200}");

    private Names() {}

    // Hand-written equivalents of the patterns above: these checks run for every message on the hot path.
    public static boolean isAgentType(String value) {
        if (value == null
                || value.isEmpty()
                || value.length() > 64
                || value.charAt(0) == '-'
                || value.charAt(0) == '_') {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    public static boolean isId(String value) {
        if (value == null || value.isEmpty() || value.length() > 200) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c >= ID_CHARS.length || !ID_CHARS[c]) {
                return false;
            }
        }
        return true;
    }

    /** Indexed by char: whether it may appear in an id (a table: ids are checked for every task read and answered). */
    private static final boolean[] ID_CHARS = idChars();

    private static boolean[] idChars() {
        boolean[] ok = new boolean[128];
        for (char c = 0; c < ok.length; c++) {
            ok[c] = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '.'
                    || c == '_'
                    || c == ':'
                    || c == '/'
                    || c == '@'
                    || c == '-';
        }
        return ok;
    }

    /** Returns {@code value} when it is a valid agent type, else throws naming {@code field}. */
    public static String requireAgentType(String field, String value) {
        if (value == null || value.isEmpty()) {
            throw new InvalidMessageException(field, "is required");
        }
        if (!isAgentType(value)) {
            throw new InvalidMessageException(
                    field, "'" + abbreviate(value) + "' is not a valid agent type (expected " + AGENT_TYPE + ")");
        }
        return value;
    }

    /** Returns {@code value} when it is a valid id, else throws naming {@code field}. */
    public static String requireId(String field, String value) {
        if (value == null || value.isEmpty()) {
            throw new InvalidMessageException(field, "is required");
        }
        if (!isId(value)) {
            throw new InvalidMessageException(
                    field, "'" + abbreviate(value) + "' is not a valid id (expected " + ID + ")");
        }
        return value;
    }

    static String abbreviate(String value) {
        return value.length() <= 80 ? value : value.substring(0, 77) + "...";
    }
}
