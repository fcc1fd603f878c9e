package io.agentfleet.worker.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Answers a question ({@code input.question}, or the input text) with findings and sources derived from the
 * question's keywords: {@code {"question", "findings": [..3], "sources": [{"title","url"}], "summary", "confidence",
 * "recommendation"}}.
 */
final class ResearcherAgent extends DemoAgent {
    static final String KIND = "researcher";

    private static final List<String> FINDINGS = List.of(
            "Most mature designs for %s keep the %s step idempotent, so a retry cannot apply it twice.",
            "Published comparisons of %s report that %s dominates the cost; measure it before optimising.",
            "Teams that shipped %s recommend bounding %s explicitly instead of relying on defaults.",
            "Failure reports on %s trace back to unhandled %s at the boundaries.",
            "A small reference implementation of %s fits in a few hundred lines once %s is isolated.",
            "Benchmarks of %s vary widely with %s; the median of several runs is the useful figure.");

    /** The approaches a researcher recommends one of ({@code recommendation}). */
    static final List<String> APPROACHES = List.of(
            "adopt a proven open-source library", "build a small in-house implementation", "buy a managed service");

    ResearcherAgent(String agentType, DemoAgentSettings settings, Sleeper sleeper) {
        super(agentType, KIND, settings, sleeper);
    }

    @Override
    ObjectNode produce(TaskContent content, ObjectNode raw) {
        String question = Deterministic.topic(questionOf(content), 300);
        List<String> keywords = Deterministic.keywords(question, 3);
        SplittableRandom random = Deterministic.random("research", question);
        ObjectNode output = JsonNodeFactory.instance.objectNode();
        output.put("question", question);
        ArrayNode findings = output.putArray("findings");
        int first = random.nextInt(FINDINGS.size());
        for (int i = 0; i < 3; i++) {
            String subject = keywords.get(0);
            String aspect = keywords.get((i + 1) % keywords.size());
            findings.add(FINDINGS.get((first + i) % FINDINGS.size()).formatted(subject, aspect));
        }
        ArrayNode sources = output.putArray("sources");
        for (int i = 0; i < Math.min(2, keywords.size()); i++) {
            String keyword = keywords.get(i);
            sources.addObject()
                    .put("title", Deterministic.capitalize(keyword) + ": an overview")
                    .put(
                            "url",
                            "https://example.org/research/" + keyword + "-"
                                    + Long.toHexString(Deterministic.hash(question, i))
                                            .substring(0, 6));
        }
        output.put(
                "summary",
                "Findings on " + String.join(", ", keywords) + ": " + findings.size() + " points, chiefly that "
                        + keywords.get(0) + " needs idempotent, bounded handling.");
        output.put("confidence", 0.6 + random.nextInt(36) / 100.0);
        output.put(
                "recommendation",
                recommendation(question, raw.path("sample").path("index").asInt(0)));
        return output;
    }

    /**
     * The approach the question's research points to. A sample ({@code content.sample.index} > 0) dissents, taking the
     * next approach, when its index plus the question's hash is a multiple of three: exactly one of any three
     * consecutive samples does, so a vote among three researchers is 2 to 1, and the same every time.
     */
    static String recommendation(String question, int sampleIndex) {
        int primary = (int) Math.floorMod(Deterministic.hash("recommend", question), (long) APPROACHES.size());
        boolean dissents =
                sampleIndex > 0 && Math.floorMod(sampleIndex + Deterministic.hash("dissent", question), 3L) == 0;
        return APPROACHES.get((primary + (dissents ? 1 : 0)) % APPROACHES.size());
    }

    @Override
    Double confidence(ObjectNode output) {
        return output.path("confidence").asDouble();
    }

    /**
     * The task's own question when it has one: a planner gives every researcher its question and the shared goal, and
     * researching the goal would give each of them the same findings.
     */
    private static String questionOf(TaskContent content) {
        JsonNode question = content.input().path("question");
        return question.isTextual() ? question.asText() : content.inputText();
    }
}
