package io.agentfleet.orchestrator.workflow.spec;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentfleet.messages.InvalidMessageException;
import java.util.List;
import java.util.Set;

/**
 * The rules of a sub-workflow task ({@code "workflow": {...}} instead of an agent): which task and run fields it may
 * have, and how deep sub-workflows may nest, checked over the whole submission so the error names the too-deep path.
 */
public final class SubWorkflows {
    /** The agent type a sub-workflow task shows in views and events; it is never dispatched to a stream. */
    public static final String AGENT = "workflow";

    /** The run fields a sub-workflow may give; it starts when its task is dispatched, at its parent's priority. */
    static final Set<String> RUN_FIELDS = Set.of("tasks", "maxSteps", "budget", "deadline");

    /** Task fields that only an agent's task has. */
    private static final List<String> AGENT_ONLY = List.of("agent", "input", "review", "fallback", "maxAttempts");

    private SubWorkflows() {}

    /** A task with {@code workflow} names no agent nor what only an agent's task has. */
    static void requireTaskFields(JsonNode task, String at) {
        for (String field : AGENT_ONLY) {
            if (task.has(field)) {
                throw new InvalidMessageException(
                        at + field, "is not allowed on a sub-workflow task (one with \"workflow\")");
            }
        }
    }

    /**
     * Refuses a sub-workflow nested deeper than {@code max}.
     *
     * @param level how deep the run holding {@code tasks} is (a submitted run is 0)
     */
    static void requireDepth(JsonNode tasks, String path, int level, int max) {
        if (tasks == null || !tasks.isArray()) {
            return;
        }
        for (int i = 0; i < tasks.size(); i++) {
            JsonNode workflow = tasks.get(i).get("workflow");
            if (workflow == null || !workflow.isObject()) {
                continue;
            }
            String at = path + "[" + i + "].workflow";
            if (level + 1 > max) {
                throw new InvalidMessageException(
                        at,
                        "would start a run nested " + (level + 1) + " sub-workflows deep, more than the limit of "
                                + max);
            }
            requireDepth(workflow.get("tasks"), at + ".tasks", level + 1, max);
        }
    }
}
