package io.agentfleet.worker.llm;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentfleet.worker.agents.TaskContent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pieces of one prompt before they are joined: the agent type's system prompt, the task input, the dependencies'
 * outputs (by task id) and the reviewer's feedback. {@link ContextFitter} shortens pieces; {@link #toRequest()} joins.
 */
record PromptParts(String system, String input, Map<String, String> context, String feedback, int revision) {
    static final String JSON_INSTRUCTION = "\n\nAnswer with one JSON value only: no prose, no code fences.";

    PromptParts {
        context = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(context));
    }

    static PromptParts of(LlmSettings settings, TaskContent content) {
        Map<String, String> context = new LinkedHashMap<>();
        content.context().forEach((taskId, output) -> context.put(taskId, TaskContent.outputText(output)));
        return new PromptParts(
                systemPrompt(settings), inputText(content.input()), context, content.feedback(), content.revision());
    }

    private static String systemPrompt(LlmSettings settings) {
        if (settings.output() == OutputMode.TEXT || settings.nativeOutputSchema() != null) {
            return settings.systemPrompt(); // A native schema travels in the request, not the prompt.
        }
        String schema = settings.outputSchema() == null
                ? ""
                : " It must satisfy this JSON Schema:\n"
                        + settings.outputSchema().text();
        return settings.systemPrompt() + JSON_INSTRUCTION + schema;
    }

    private static String inputText(JsonNode input) {
        return input.isTextual() ? input.asText() : input.toPrettyString();
    }

    PromptParts withInput(String newInput) {
        return new PromptParts(system, newInput, context, feedback, revision);
    }

    PromptParts withPieces(String newFeedback, Map<String, String> newContext) {
        return new PromptParts(system, input, newContext, newFeedback, revision);
    }

    /** The prompt with every variable piece empty: what the input and the framing cost. */
    long fixedChars() {
        Map<String, String> emptied = new LinkedHashMap<>();
        context.keySet().forEach(id -> emptied.put(id, ""));
        PromptParts bare = new PromptParts(system, input, emptied, feedback == null ? null : "", revision);
        return bare.toRequest().text().length();
    }

    long pieceChars() {
        return (feedback == null ? 0 : feedback.length())
                + context.values().stream().mapToLong(String::length).sum();
    }

    LlmRequest toRequest() {
        StringBuilder user = new StringBuilder(input.length() + 256);
        user.append("## Task\n").append(input);
        if (!context.isEmpty()) {
            user.append("\n\n## Context from earlier tasks");
            context.forEach((taskId, text) -> user.append("\n\n### Output of task ")
                    .append(taskId)
                    .append('\n')
                    .append(text));
        }
        if (feedback != null) {
            user.append("\n\n## Reviewer feedback on your previous version (this is revision ")
                    .append(revision)
                    .append(")\n")
                    .append(feedback)
                    .append("\n\nRevise your answer so that it addresses this feedback.");
        }
        return new LlmRequest(system, List.of(ChatMessage.user(user.toString())));
    }
}
