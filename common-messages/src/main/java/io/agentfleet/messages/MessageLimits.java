package io.agentfleet.messages;

/**
 * Bounds applied when decoding untrusted JSON.
 *
 * @param maxBytes largest accepted encoded message, in UTF-8 bytes (default 1 MiB)
 * @param maxNestingDepth deepest accepted JSON nesting (default 64)
 */
public record MessageLimits(int maxBytes, int maxNestingDepth) {
    public static final int DEFAULT_MAX_BYTES = 1024 * 1024;
    public static final int DEFAULT_MAX_NESTING_DEPTH = 64;
    /** Longest accepted number literal, in characters (the JSON parser's limit, stated in the published schema). */
    public static final int MAX_NUMBER_CHARS = 1000;
    /** Longest accepted field name, in characters (the JSON parser's limit, stated in the published schema). */
    public static final int MAX_NAME_CHARS = 50_000;

    public static final MessageLimits DEFAULT = new MessageLimits(DEFAULT_MAX_BYTES, DEFAULT_MAX_NESTING_DEPTH);

    public MessageLimits {
        if (maxBytes < 1024) {
            throw new IllegalArgumentException("maxBytes must be >= 1024, but was " + maxBytes);
        }
        if (maxNestingDepth < 4) {
            throw new IllegalArgumentException("maxNestingDepth must be >= 4, but was " + maxNestingDepth);
        }
    }
}
