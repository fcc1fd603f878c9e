package io.agentfleet.orchestrator.workflow.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.orchestrator.workflow.agentloop.AgentLoopIds;
import java.util.ArrayList;
import java.util.List;

/**
 * The content of a model turn of an agent loop: the tools, and the conversation so far ({@code content.conversation}
 * as the {@code llm} handler reads it), rebuilt from the run's stored turns and tool calls, so it lives in Redis with the
 * run and needs no state of its own. Bounded: a tool result is cut at {@value #MAX_RESULT_CHARS} characters, and when
 * the results together pass {@value #MAX_RESULTS_CHARS} the oldest are replaced by a note. The {@code llm} handler then
 * fits the task prompt around it to the model's context (its context fitter counts the conversation's tokens first).
 */
final class AgentConversation {
    static final int MAX_RESULT_CHARS = 16_384;
    static final int MAX_RESULTS_CHARS = 131_072;
    static final String ELIDED = "[elided: older tool result dropped to keep the conversation within its bound]";

    private AgentConversation() {}

    /** The agent task a loop task belongs to: the source of its tools and of its dependencies' outputs; else itself. */
    static TaskRecord owner(RunState run, TaskRecord task) {
        AgentLoopIds ids = AgentLoopIds.parse(task.id);
        TaskRecord owner = ids == null || !ids.isTurn() ? null : run.task(ids.parent());
        return owner != null && owner.agentLoop != null ? owner : task;
    }

    /** Adds {@code tools} and {@code conversation} to a model turn's content; other tasks' content is left alone. */
    static void decorate(RunState run, TaskRecord task, ObjectNode content) {
        TaskRecord agent = owner(run, task);
        if (agent == task) {
            return;
        }
        int turn = AgentLoopIds.parse(task.id).turn();
        content.set("tools", agent.agentLoop.definitions());
        content.set("conversation", conversation(run, agent, turn));
    }

    private static ArrayNode conversation(RunState run, TaskRecord agent, int upToTurn) {
        ArrayNode turns = JsonNodeFactory.instance.arrayNode();
        List<ObjectNode> results = new ArrayList<>();
        for (int n = 1; n < upToTurn; n++) {
            TaskRecord turn = run.task(AgentLoopIds.turn(agent.id, n));
            JsonNode calls = turn == null || turn.output == null ? null : turn.output.get("toolCalls");
            if (calls == null || !calls.isArray() || calls.isEmpty()) {
                continue;
            }
            ObjectNode assistant = turns.addObject();
            assistant.put("role", "assistant");
            assistant.put("text", turn.output.path("text").asText(""));
            assistant.set("toolCalls", calls);
            ArrayNode answered = turns.addObject().put("role", "tool").putArray("results");
            for (int i = 0; i < calls.size(); i++) {
                ObjectNode result = result(run.task(AgentLoopIds.call(agent.id, n, i)), calls.get(i));
                answered.add(result);
                results.add(result);
            }
        }
        elideOldest(results);
        return turns;
    }

    private static ObjectNode result(TaskRecord call, JsonNode asked) {
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        result.put("callId", asked.path("id").asText());
        result.put("name", asked.path("name").asText());
        boolean ok = call != null && call.state == TaskState.COMPLETED;
        String text;
        if (ok) {
            text = call.output == null ? "" : call.output.isTextual() ? call.output.asText() : call.output.toString();
        } else {
            text = call == null ? "the tool was not run" : "the tool " + call.state + ": " + call.error;
        }
        if (text.length() > MAX_RESULT_CHARS) {
            text = text.substring(0, MAX_RESULT_CHARS) + "\n[cut: " + (text.length() - MAX_RESULT_CHARS)
                    + " more characters]";
        }
        result.put("content", text);
        result.put("isError", !ok);
        return result;
    }

    private static void elideOldest(List<ObjectNode> results) {
        long total = results.stream()
                .mapToLong(r -> r.path("content").asText().length())
                .sum();
        for (ObjectNode r : results) {
            if (total <= MAX_RESULTS_CHARS) {
                return;
            }
            total -= r.path("content").asText().length() - ELIDED.length();
            r.put("content", ELIDED);
        }
    }
}
