package io.agentfleet.worker.agents;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a goal ({@code input.goal}, or the input text) into a plan of 2–3 research questions and an implementation
 * step, and asks the orchestrator to add them to the run: {@code spawn} holds one {@code researcher} task per
 * question and a {@code coder} task depending on all of them, reviewed by {@code reviewer} with up to 2 revisions.
 */
final class PlannerAgent extends DemoAgent {
    static final String KIND = "planner";
    static final int MAX_REVISIONS = 2;

    private static final List<String> QUESTIONS = List.of(
            "Which existing approaches solve: %s?",
            "What constraints, risks and edge cases matter for: %s?", "How can a solution for %s be verified?");

    PlannerAgent(String agentType, DemoAgentSettings settings, Sleeper sleeper) {
        super(agentType, KIND, settings, sleeper);
    }

    @Override
    ObjectNode produce(TaskContent content, ObjectNode raw) {
        String goal = Deterministic.topic(content.inputText(), 200);
        List<String> questions = questions(goal);
        ObjectNode output = JsonNodeFactory.instance.objectNode();
        output.put("goal", goal);
        ArrayNode plan = output.putArray("plan");
        ArrayNode spawn = output.putArray("spawn");
        List<String> researchIds = new ArrayList<>();
        for (int i = 0; i < questions.size(); i++) {
            String id = "research-" + (i + 1);
            researchIds.add(id);
            step(plan, id, "researcher", questions.get(i), List.of());
            ObjectNode task = spawn.addObject().put("id", id).put("agent", "researcher");
            task.putObject("input").put("question", questions.get(i)).put("goal", goal);
            task.putArray("dependsOn");
        }
        String implementation = "Implement " + goal;
        step(plan, "implement", "coder", implementation + ", using the research findings", researchIds);
        ObjectNode code = spawn.addObject().put("id", "implement").put("agent", "coder");
        code.putObject("input").put("task", implementation).put("goal", goal);
        ArrayNode dependsOn = code.putArray("dependsOn");
        researchIds.forEach(dependsOn::add);
        code.putObject("review").put("agent", "reviewer").put("maxRevisions", MAX_REVISIONS);
        step(
                plan,
                null,
                "reviewer",
                "Review the implementation; up to " + MAX_REVISIONS + " revisions",
                List.of("implement"));
        return output;
    }

    /** Two or three questions, how many depending on the goal. */
    static List<String> questions(String goal) {
        int count = 2 + (int) Math.floorMod(Deterministic.hash(goal), 2L);
        return QUESTIONS.subList(0, count).stream().map(q -> q.formatted(goal)).toList();
    }

    private static void step(ArrayNode plan, String taskId, String agent, String description, List<String> after) {
        ObjectNode step = plan.addObject().put("step", plan.size());
        if (taskId != null) {
            step.put("id", taskId);
        }
        step.put("agent", agent).put("description", description);
        ArrayNode dependsOn = step.putArray("dependsOn");
        after.forEach(dependsOn::add);
    }
}
