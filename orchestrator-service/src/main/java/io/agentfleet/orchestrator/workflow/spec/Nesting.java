package io.agentfleet.orchestrator.workflow.spec;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * How deep JSON nests, counted as the message codec's parser counts it against {@code maxNestingDepth}: every object
 * and every array is one level, scalars add none. The orchestrator checks what it dispatches with it, because a worker
 * dead-letters a task message nested deeper than its codec's limit.
 */
public final class Nesting {
    /** A task's input (and a human's answer) sits in the message object's {@code content}: two levels up. */
    public static final int INPUT_LEVELS = 2;

    /**
     * A dependency's output sits in {@code content.context.<task>}, and a review's input and candidate in {@code
     * content.input}: three levels up.
     */
    public static final int CONTEXT_LEVELS = 3;

    private Nesting() {}

    /** The nesting depth of a tree; trees come from parsers bounded by the codec's limit, so recursion is shallow. */
    public static int depth(JsonNode node) {
        if (node == null || !node.isContainerNode()) {
            return 0;
        }
        int deepest = 0;
        for (JsonNode child : node) {
            deepest = Math.max(deepest, depth(child));
        }
        return deepest + 1;
    }

    /**
     * The nesting depth of encoded JSON, scanning its UTF-8 bytes once: bytes of multi-byte characters are never ASCII
     * brackets or quotes, so only strings and their escapes need tracking.
     */
    public static int depth(byte[] utf8) {
        int depth = 0;
        int deepest = 0;
        boolean inString = false;
        for (int i = 0; i < utf8.length; i++) {
            byte b = utf8[i];
            if (inString) {
                if (b == '\\') {
                    i++;
                } else if (b == '"') {
                    inString = false;
                }
            } else if (b == '"') {
                inString = true;
            } else if (b == '{' || b == '[') {
                deepest = Math.max(deepest, ++depth);
            } else if (b == '}' || b == ']') {
                depth--;
            }
        }
        return deepest;
    }
}
