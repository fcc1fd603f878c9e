package io.agentfleet.worker.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a small Python module for its task ({@code input.task}, or the input text), with the dependencies' findings as
 * comments: {@code {"task", "language", "files": [{"path","content"}], "summary", "basedOn", "revision"}}. Given
 * reviewer feedback (a revision's, or a rejecting review among its dependencies) it validates its input and adds a
 * test file, and says so in {@code addressedFeedback}.
 */
final class CoderAgent extends DemoAgent {
    static final String KIND = "coder";

    CoderAgent(String agentType, DemoAgentSettings settings, Sleeper sleeper) {
        super(agentType, KIND, settings, sleeper);
    }

    @Override
    ObjectNode produce(TaskContent content, ObjectNode raw) {
        String task = Deterministic.topic(content.inputText(), 200);
        List<String> keywords = Deterministic.keywords(task, 3);
        String module = Deterministic.slug(keywords, "_");
        String function = "run_" + module;
        String feedback = feedback(content);
        boolean revise = feedback != null;
        ObjectNode output = JsonNodeFactory.instance.objectNode();
        output.put("task", task);
        output.put("language", "python");
        ArrayNode files = output.putArray("files");
        files.addObject()
                .put("path", module + ".py")
                .put("content", moduleSource(task, function, notes(content.context()), revise));
        if (revise) {
            files.addObject().put("path", "tests/test_" + module + ".py").put("content", testSource(module, function));
        }
        output.put(
                "summary",
                (revise ? "Revised " : "Implemented ") + function + "() in " + module + ".py"
                        + (revise ? " with input validation and unit tests" : ""));
        ArrayNode basedOn = output.putArray("basedOn");
        content.context().keySet().forEach(basedOn::add);
        output.put("revision", content.revision());
        if (revise) {
            output.put("addressedFeedback", feedback);
        }
        return output;
    }

    /**
     * The reviewer's feedback: from a review loop ({@code content.feedback}), else from a rejecting verdict among the
     * dependencies ({@code approved: false} with {@code feedback}), as when a graph routes a rejection to a fix task.
     */
    private static String feedback(TaskContent content) {
        if (content.feedback() != null) {
            return content.feedback();
        }
        for (JsonNode output : content.context().values()) {
            if (output.path("approved").isBoolean()
                    && !output.path("approved").asBoolean()
                    && output.path("feedback").isTextual()) {
                return output.path("feedback").asText();
            }
        }
        return null;
    }

    /** One line per finding of the dependencies (or their summary / text), for the module's header comment. */
    private static List<String> notes(Map<String, JsonNode> context) {
        List<String> notes = new ArrayList<>();
        context.forEach((taskId, output) -> {
            if (output.path("findings").isArray()) {
                output.path("findings").forEach(f -> notes.add(f.asText()));
            } else if (output.path("summary").isTextual()) {
                notes.add(output.path("summary").asText());
            } else {
                notes.add(Deterministic.topic(TaskContent.outputText(output), 100));
            }
        });
        return notes;
    }

    private static String moduleSource(String task, String function, List<String> notes, boolean validate) {
        StringBuilder code = new StringBuilder();
        code.append("\"\"\"").append(task.replace("\"\"\"", "'''")).append("\"\"\"\n");
        for (String note : notes) {
            code.append("# Research: ").append(note.replace('\n', ' ')).append('\n');
        }
        code.append("\n\ndef ").append(function).append("(items):\n");
        code.append("    \"\"\"Processes each item once and returns the results in order.\"\"\"\n");
        if (validate) {
            code.append("    if items is None:\n        raise ValueError(\"items must not be None\")\n");
            code.append("    if not items:\n        return []\n");
        }
        code.append("    seen = set()\n    results = []\n");
        code.append("    for item in items:\n        if item in seen:\n            continue\n");
        code.append("        seen.add(item)\n        results.append(item)\n    return results\n");
        return code.toString();
    }

    private static String testSource(String module, String function) {
        return "import pytest\n\nfrom " + module + " import " + function + "\n\n\n"
                + "def test_empty_input_gives_empty_result():\n    assert " + function + "([]) == []\n\n\n"
                + "def test_none_is_rejected():\n    with pytest.raises(ValueError):\n        " + function
                + "(None)\n\n\n"
                + "def test_duplicates_are_processed_once():\n    assert " + function + "([1, 2, 1]) == [1, 2]\n";
    }
}
