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

    public static boolean isAgentType(String value) {
        return value != null && AGENT_TYPE.matcher(value).matches();
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
        if (!ID.matcher(value).matches()) {
            throw new InvalidMessageException(field, "'" + abbreviate(value) + "' is not a valid id (expected " + ID + ")");
        }
        return value;
    }

    static String abbreviate(String value) {
        return value.length() <= 80 ? value : value.substring(0, 77) + "...";
    }
}
