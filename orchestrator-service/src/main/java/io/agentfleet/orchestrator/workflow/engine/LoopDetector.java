package io.agentfleet.orchestrator.workflow.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.codec.digest.MurmurHash3;

/**
 * Loop detection: a dispatch's fingerprint is a 128-bit hash of the agent and the content with sorted keys, without the
 * revision counter; a run that would send an agent content it already sent is stopped as LOOP_DETECTED.
 */
final class LoopDetector {
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

    /** A 128-bit MurmurHash3 (UTF-8 of the text; a loop needs no cryptographic hash) of the agent and the content with sorted keys, without the revision counter. */
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
        long[] hash = MurmurHash3.hash128x64(canonical.toString().getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().toHexDigits(hash[0]) + HexFormat.of().toHexDigits(hash[1]);
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
