package io.agentfleet.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.RunStatus;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A workflow run as the orchestrator reports it ({@code GET /v1/runs/{id}}).
 *
 * @param runId the run's id
 * @param status the run status, a {@link RunStatus} name ({@code COMPLETED}, {@code FAILED}, ...)
 * @param outputs each task's output by task id, for the tasks that produced one, in the run's task order
 * @param taskStates each task's state ({@code COMPLETED}, {@code FAILED}, {@code SKIPPED}, ...) by task id
 * @param usage tokens and cost the run used, over all its tasks
 * @param error the run's error (the orchestrator's JSON) when it did not complete, else null
 * @param view the whole view, for fields not mapped here (steps, timings, per-task details)
 */
public record RunResult(
        String runId,
        String status,
        Map<String, JsonNode> outputs,
        Map<String, String> taskStates,
        Usage usage,
        JsonNode error,
        ObjectNode view) {

    /**
     * Tokens and cost of a run.
     *
     * @param tokensIn prompt tokens
     * @param tokensOut completion tokens
     * @param cost cost in the unit the agents report
     */
    public record Usage(long tokensIn, long tokensOut, double cost) {}

    public RunResult {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(status, "status");
        outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
        taskStates = Collections.unmodifiableMap(new LinkedHashMap<>(taskStates));
        Objects.requireNonNull(usage, "usage");
    }

    /** Whether the run has ended (any terminal status). */
    public boolean isFinal() {
        return RunStatus.isTerminal(status);
    }

    /** Whether the run ended {@code COMPLETED}. */
    public boolean completed() {
        return RunStatus.COMPLETED.name().equals(status);
    }

    /** One task's output, or null when it produced none. */
    public JsonNode output(String taskId) {
        return outputs.get(taskId);
    }

    /** Maps the orchestrator's run view. */
    static RunResult fromView(ObjectNode view) {
        Map<String, JsonNode> outputs = new LinkedHashMap<>();
        Map<String, String> states = new LinkedHashMap<>();
        for (JsonNode task : view.path("tasks")) {
            String id = task.path("id").asText();
            states.put(id, task.path("state").asText());
            if (task.hasNonNull("output")) {
                outputs.put(id, task.get("output"));
            }
        }
        JsonNode usage = view.path("usage");
        JsonNode error = view.get("error");
        return new RunResult(
                view.path("runId").asText(),
                view.path("status").asText(),
                outputs,
                states,
                new Usage(
                        usage.path("tokensIn").asLong(),
                        usage.path("tokensOut").asLong(),
                        usage.path("cost").asDouble()),
                error == null || error.isNull() ? null : error,
                view);
    }
}
