package io.agentfleet.orchestrator.workflow.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The run's task records: the working copies one transition changes, and the parsed records matching the {@code t:}
 * fields the run was read from or will commit (reused by the next transition while their text is unchanged).
 */
final class RunTasks {
    private final RunFields fields;
    private final LinkedHashMap<String, TaskRecord> tasks = new LinkedHashMap<>();
    private final Map<String, ParsedTask> parsed = new LinkedHashMap<>();
    /**
     * Tasks saved by this transition but not yet serialised: a transition often saves a record more than once (created,
     * then dispatched; settled, then its dependants'), and its text is only needed once, when the transition is read.
     */
    private final Map<String, TaskRecord> unsaved = new LinkedHashMap<>();

    private boolean orderUnsaved;

    RunTasks(String runId, RunFields fields, ObjectMapper mapper, Map<String, ParsedTask> known) {
        this.fields = fields;
        parsed.putAll(ParsedTask.readAll(runId, fields.all(), mapper, known));
        parsed.forEach((taskId, p) -> tasks.put(taskId, p.task().copy()));
    }

    Collection<TaskRecord> all() {
        return tasks.values();
    }

    TaskRecord get(String id) {
        return tasks.get(id);
    }

    void add(TaskRecord task) {
        tasks.put(task.id, task);
        orderUnsaved = true;
        save(task);
    }

    void save(TaskRecord task) {
        unsaved.put(task.id, task);
    }

    /** Whether records or the order were saved since the last {@link #writeSaved()}. */
    boolean hasUnsaved() {
        return orderUnsaved || !unsaved.isEmpty();
    }

    /** Writes the saved task records (and the task order) into the run's fields, each serialised once. */
    void writeSaved() {
        if (orderUnsaved) {
            ArrayNode order = JsonNodeFactory.instance.arrayNode();
            tasks.keySet().forEach(order::add);
            fields.set(RunFields.F_ORDER, JsonText.of(order));
            orderUnsaved = false;
        }
        for (TaskRecord task : unsaved.values()) {
            String json = task.toJsonText();
            fields.set(RunFields.TASK_PREFIX + task.id, json);
            parsed.put(task.id, new ParsedTask(json, task.copy()));
        }
        unsaved.clear();
    }

    Map<String, ParsedTask> parsed() {
        writeSaved();
        return new LinkedHashMap<>(parsed);
    }

    /** The agent type of each task the run has dispatched, by wire task id. */
    Map<String, String> agentsByWireId() {
        Map<String, String> agents = new LinkedHashMap<>();
        for (TaskRecord task : tasks.values()) {
            if (task.wireId != null && task.workflow == null) {
                agents.put(task.wireId, task.currentAgent());
            }
        }
        return agents;
    }
}
