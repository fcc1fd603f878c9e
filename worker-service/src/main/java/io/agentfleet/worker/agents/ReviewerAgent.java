package io.agentfleet.worker.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reviews an artifact and answers {@code {"approved": bool, "feedback": "...", "revision": n, "checks": [...]}}.
 * Deterministic: revision 0 is always rejected with concrete feedback (add tests, validate input); a later revision
 * is approved when it addressed that feedback (it has a test file, or says it addressed the feedback), else rejected
 * with the same feedback. When no revision number is given, only the second rule applies.
 *
 * <p>The artifact is looked up in {@code input.output}, {@code input.result}, {@code input.artifact}, then the last
 * dependency output in {@code context}, else the input itself; the revision in {@code input.revision}, the
 * artifact's {@code revision}, then the content's {@code revision}.
 */
final class ReviewerAgent extends DemoAgent {
    static final String KIND = "reviewer";

    private static final Pattern FUNCTION = Pattern.compile("def\\s+([A-Za-z_][A-Za-z0-9_]*)\\s*\\(");

    ReviewerAgent(String agentType, DemoAgentSettings settings, Sleeper sleeper) {
        super(agentType, KIND, settings, sleeper);
    }

    @Override
    ObjectNode produce(TaskContent content, ObjectNode raw) {
        JsonNode artifact = artifact(content);
        Integer revision = revision(content, artifact, raw);
        boolean addressed = addressedFeedback(artifact);
        boolean approved = (revision == null || revision > 0) && addressed;
        ObjectNode output = JsonNodeFactory.instance.objectNode();
        output.put("approved", approved);
        output.put(
                "feedback",
                approved
                        ? "Approved: " + subject(artifact) + " validates its input and is covered by unit tests."
                        : requestedChanges(artifact));
        if (revision != null) {
            output.put("revision", revision);
        }
        ArrayNode checks = output.putArray("checks");
        checks.addObject().put("check", "has unit tests").put("passed", addressed);
        checks.addObject()
                .put("check", "first version gets a second look")
                .put("passed", revision == null || revision > 0);
        return output;
    }

    static String requestedChanges(JsonNode artifact) {
        return "Add unit tests for " + subject(artifact) + " (cover the empty input, None and duplicate items) and "
                + "validate the input before processing it.";
    }

    private static JsonNode artifact(TaskContent content) {
        JsonNode input = content.input();
        for (String field : new String[] {"output", "result", "artifact"}) {
            if (input.has(field) && !input.get(field).isNull()) {
                return input.get(field);
            }
        }
        JsonNode last = null;
        for (JsonNode output : content.context().values()) {
            last = output;
        }
        return last != null ? last : input;
    }

    private static Integer revision(TaskContent content, JsonNode artifact, ObjectNode raw) {
        for (JsonNode candidate : new JsonNode[] {content.input().path("revision"), artifact.path("revision")}) {
            if (candidate.canConvertToInt()) {
                return candidate.asInt();
            }
        }
        return TaskContent.hasRevision(raw) ? content.revision() : null;
    }

    private static boolean addressedFeedback(JsonNode artifact) {
        if (artifact.path("addressedFeedback").isTextual()
                && !artifact.path("addressedFeedback").asText().isBlank()) {
            return true;
        }
        for (JsonNode file : artifact.path("files")) {
            if (file.path("path").asText().toLowerCase(Locale.ROOT).contains("test")) {
                return true;
            }
        }
        return !artifact.has("files")
                && TaskContent.outputText(artifact).toLowerCase(Locale.ROOT).contains("test");
    }

    /** The first function the artifact defines, else a generic name. */
    private static String subject(JsonNode artifact) {
        Matcher function = FUNCTION.matcher(artifact.toString());
        return function.find() ? function.group(1) + "()" : "the main function";
    }
}
