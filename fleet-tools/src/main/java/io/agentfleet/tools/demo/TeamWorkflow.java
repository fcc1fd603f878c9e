package io.agentfleet.tools.demo;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The workflow of {@code ./fleet demo --team}: three researcher samples vote on a recommendation, a coder implements
 * the winner, a reviewer's verdict routes the graph (approved: ship; rejected: fix), all with the deterministic demo
 * agents. The demo reviewer rejects a first version, so the run takes the fix branch and skips ship, every time.
 */
final class TeamWorkflow {
    static final int RESEARCHERS = 3;

    private TeamWorkflow() {}

    static ObjectNode of(String goal) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("maxSteps", 20);
        ArrayNode tasks = body.putArray("tasks");
        ObjectNode research = task(tasks, "research", "researcher");
        research.putObject("input").put("question", goal);
        research.put("samples", RESEARCHERS);
        research.putObject("aggregate").put("method", "vote").put("pointer", "/recommendation");
        ObjectNode implement = task(tasks, "implement", "coder", "research");
        implement.putObject("input").put("task", goal);
        ObjectNode review = task(tasks, "review", "reviewer", "implement");
        review.putObject("input").put("task", "Review the implementation of: " + goal);
        ObjectNode ship = task(tasks, "ship", "researcher", "review");
        ship.putObject("input").put("question", "Release notes for: " + goal);
        verdict(ship, true);
        ObjectNode fix = task(tasks, "fix", "coder", "review");
        fix.putObject("input").put("task", goal);
        verdict(fix, false);
        return body;
    }

    private static ObjectNode task(ArrayNode tasks, String id, String agent, String... dependsOn) {
        ObjectNode task = tasks.addObject();
        task.put("id", id);
        task.put("agent", agent);
        ArrayNode deps = task.putArray("dependsOn");
        for (String dep : dependsOn) {
            deps.add(dep);
        }
        return task;
    }

    private static void verdict(ObjectNode task, boolean approved) {
        task.putObject("when").put("task", "review").put("pointer", "/approved").put("equals", approved);
    }
}
