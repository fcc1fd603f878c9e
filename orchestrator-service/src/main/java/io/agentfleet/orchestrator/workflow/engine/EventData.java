package io.agentfleet.orchestrator.workflow.engine;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/** The data of the run events the engine records: a timestamp, and for task events the task's identity and state. */
final class EventData {
    private EventData() {}

    static ObjectNode data(Instant now) {
        ObjectNode d = JsonNodeFactory.instance.objectNode();
        d.put("at", now.toString());
        return d;
    }

    static ObjectNode taskData(TaskRecord task, Instant now) {
        ObjectNode d = data(now);
        d.put("taskId", task.id);
        d.put("agent", task.agent);
        d.put("state", task.state.name());
        d.put("revision", task.revision);
        if (task.wireId != null) {
            d.put("wireTaskId", task.wireId);
        }
        if (task.error != null && (task.state == TaskState.FAILED || task.state == TaskState.WAITING_HUMAN)) {
            d.set("error", task.error);
        }
        return d;
    }
}
