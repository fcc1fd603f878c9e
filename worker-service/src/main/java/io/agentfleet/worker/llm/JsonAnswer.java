package io.agentfleet.worker.llm;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentfleet.messages.MessageLimits;
import java.util.List;

/**
 * Reads a model's answer as JSON. Models often wrap JSON in a code fence or a sentence; the fence is removed and, failing
 * that, the outermost object or array is tried. The result is a plain tree: untrusted data, never bound to a type.
 *
 * @param value the parsed answer, or null when invalid
 * @param error why the answer is invalid (parse or schema errors), or null when valid
 */
record JsonAnswer(JsonNode value, String error) {
    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MessageLimits.DEFAULT.maxNestingDepth())
                    .build())
            .build());

    boolean isValid() {
        return error == null;
    }

    static JsonAnswer read(String text, OutputSchema schema) {
        String body = unfenced(text == null ? "" : text.strip());
        if (body.isEmpty()) {
            return new JsonAnswer(null, "the answer is empty, but a JSON value was required");
        }
        JsonNode value;
        try {
            value = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            value = outermost(body);
            if (value == null) {
                return new JsonAnswer(
                        null,
                        "the answer is not valid JSON: " + e.getOriginalMessage()
                                + (e.getLocation() == null
                                        ? ""
                                        : " at line " + e.getLocation().getLineNr() + ", column "
                                                + e.getLocation().getColumnNr()));
            }
        }
        if (schema != null) {
            List<String> errors = schema.validate(value);
            if (!errors.isEmpty()) {
                return new JsonAnswer(null, "the JSON does not match the schema: " + String.join("; ", errors));
            }
        }
        return new JsonAnswer(value, null);
    }

    private static String unfenced(String text) {
        if (!text.startsWith("```")) {
            return text;
        }
        int firstNewline = text.indexOf('\n');
        int closing = text.lastIndexOf("```");
        if (firstNewline < 0 || closing <= firstNewline) {
            return text;
        }
        return text.substring(firstNewline + 1, closing).strip();
    }

    private static JsonNode outermost(String text) {
        int start = firstOf(text.indexOf('{'), text.indexOf('['));
        if (start < 0) {
            return null;
        }
        char close = text.charAt(start) == '{' ? '}' : ']';
        int end = text.lastIndexOf(close);
        if (end <= start) {
            return null;
        }
        try {
            return MAPPER.readTree(text.substring(start, end + 1));
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static int firstOf(int a, int b) {
        if (a < 0) {
            return b;
        }
        return b < 0 ? a : Math.min(a, b);
    }
}
