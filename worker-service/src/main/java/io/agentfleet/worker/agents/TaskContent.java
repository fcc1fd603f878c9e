package io.agentfleet.worker.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A REQUEST's content read by the fleet's conventions: {@code {"input": ..., "context": {"<taskId>": <RESULT
 * content>}, "feedback": "...", "revision": n}}. A producer that enqueues directly may send anything: without an
 * {@code input} field the whole content is the input.
 *
 * @param input the task's input (never null; the whole content when there is no {@code input} field)
 * @param context the dependencies' outputs by task id, in the order given
 * @param feedback the reviewer's feedback on a revision, or null
 * @param revision 0 for the first version, n for the n-th revision
 */
public record TaskContent(JsonNode input, Map<String, JsonNode> context, String feedback, int revision) {
    public TaskContent {
        Objects.requireNonNull(input, "input");
        context = Collections.unmodifiableMap(new LinkedHashMap<>(context));
        feedback = feedback == null || feedback.isBlank() ? null : feedback;
    }

    public static TaskContent of(ObjectNode content) {
        JsonNode input = content.has("input") ? content.get("input") : content;
        Map<String, JsonNode> context = new LinkedHashMap<>();
        JsonNode ctx = content.path("context");
        if (ctx.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = ctx.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> dependency = it.next();
                context.put(dependency.getKey(), dependency.getValue());
            }
        }
        JsonNode feedback = content.path("feedback");
        String feedbackText = feedback.isTextual()
                ? feedback.asText()
                : feedback.isMissingNode() || feedback.isNull() ? null : feedback.toString();
        int revision = content.path("revision").canConvertToInt()
                ? Math.max(0, content.path("revision").asInt())
                : 0;
        return new TaskContent(input, context, feedbackText, revision);
    }

    /** Whether the producer said which revision this is (reviewers treat an unknown revision differently). */
    public static boolean hasRevision(ObjectNode content) {
        return content.path("revision").canConvertToInt();
    }

    /**
     * The input as text: a string as is, else the first of {@code goal}, {@code question}, {@code task},
     * {@code prompt}, {@code text} that is a string, else the JSON.
     */
    public String inputText() {
        if (input.isTextual()) {
            return input.asText();
        }
        for (String field : new String[] {"goal", "question", "task", "prompt", "text"}) {
            if (input.path(field).isTextual()) {
                return input.path(field).asText();
            }
        }
        return input.toString();
    }

    /** A dependency's output as text: its {@code text} field when it has one, else its JSON. */
    public static String outputText(JsonNode output) {
        if (output.isTextual()) {
            return output.asText();
        }
        if (output.path("text").isTextual()) {
            return output.path("text").asText();
        }
        return output.toString();
    }
}
