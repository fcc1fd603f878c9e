package io.agentfleet.orchestrator.workflow.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Loop detection: a dispatch's fingerprint is a hash of the agent and the content with sorted keys, without the
 * revision counter; a run that would send an agent content it already sent is stopped as LOOP_DETECTED.
 */
final class LoopDetector {
    private static final MessageDigest SHA256 = newSha256();

    private LoopDetector() {}

    /** Canonical forms the task records keep for the large parts of a dispatch's content. */
    static Map<JsonNode, String> knownCanonical(RunState run, TaskRecord task, boolean review) {
        Map<JsonNode, String> known = new IdentityHashMap<>();
        if (task.input != null) {
            known.put(task.input, task.canonicalInput());
        }
        if (!review) {
            for (String dep : task.dependsOn) {
                TaskRecord d = run.task(dep);
                if (d != null && d.output != null) {
                    known.put(d.output, d.canonicalOutput());
                }
            }
        }
        return known;
    }

    /** SHA-256 of the agent and the content with sorted keys, without the revision counter. */
    static String fingerprint(String agent, ObjectNode content) {
        return fingerprint(agent, content, Map.of());
    }

    /**
     * As {@link #fingerprint(String, ObjectNode)}; {@code known} holds canonical forms already computed for some of the
     * content's nodes (by identity: a task's input, its dependencies' outputs), so they are not walked again.
     */
    static String fingerprint(String agent, ObjectNode content, Map<JsonNode, String> known) {
        StringBuilder canonical = new StringBuilder(agent).append('\u0000');
        canonicalize(content, canonical, known, "revision");
        byte[] digest = sha256().digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest, 0, 16);
    }

    /** A fresh SHA-256 digest, cloned: {@code getInstance} looks the provider up on every call. */
    private static MessageDigest sha256() {
        try {
            return (MessageDigest) SHA256.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The canonical form of {@code node} (keys sorted) as the fingerprint uses it. */
    static String canonical(JsonNode node) {
        StringBuilder out = new StringBuilder();
        canonicalize(node, out, Map.of(), null);
        return out.toString();
    }

    private static void canonicalize(JsonNode node, StringBuilder out, Map<JsonNode, String> known, String skipKey) {
        String done = known.get(node);
        if (done != null) {
            out.append(done);
        } else if (node.isObject()) {
            TreeMap<String, JsonNode> sorted = new TreeMap<>();
            node.fields().forEachRemaining(f -> sorted.put(f.getKey(), f.getValue()));
            if (skipKey != null) {
                sorted.remove(skipKey);
            }
            out.append('{');
            sorted.forEach((k, v) -> {
                JsonText.appendQuoted(out, k);
                out.append(':');
                canonicalize(v, out, known, null);
                out.append(',');
            });
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            node.forEach(v -> {
                canonicalize(v, out, known, null);
                out.append(',');
            });
            out.append(']');
        } else if (node.isTextual()) {
            JsonText.appendQuoted(out, node.textValue());
        } else {
            out.append(JsonText.of(node));
        }
    }
}
