package io.agentfleet.orchestrator.workflow.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A task record as parsed from (or serialised to) the JSON text {@code json}; never changed, the run works on
 * copies. Reused by the next transition when the stored text is still the same, which saves parsing every record
 * (with its input) on every transition.
 */
public record ParsedTask(String json, TaskRecord task) {
    /**
     * The task records of the run stored in {@code fields}, in the run's task order, reusing those of {@code known}
     * whose stored text is unchanged.
     */
    static Map<String, ParsedTask> readAll(
            String runId, Map<String, String> fields, ObjectMapper mapper, Map<String, ParsedTask> known) {
        Map<String, ParsedTask> parsed = new LinkedHashMap<>();
        String order = fields.get(RunFields.F_ORDER);
        if (order == null) {
            return parsed;
        }
        try {
            for (JsonNode id : mapper.readTree(order)) {
                String taskId = id.asText();
                String taskJson = fields.get(RunFields.TASK_PREFIX + taskId);
                ParsedTask p = known == null ? null : known.get(taskId);
                if (p == null || taskJson == null || !taskJson.equals(p.json())) {
                    p = new ParsedTask(taskJson, TaskRecord.fromJson(taskId, (ObjectNode) mapper.readTree(taskJson)));
                }
                parsed.put(taskId, p);
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("run " + runId + " has an unreadable task record", e);
        }
        return parsed;
    }
}
