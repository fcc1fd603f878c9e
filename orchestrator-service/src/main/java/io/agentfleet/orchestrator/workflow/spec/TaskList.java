package io.agentfleet.orchestrator.workflow.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.orchestrator.config.WorkflowLimits;
import io.agentfleet.orchestrator.workflow.engine.Dag;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an array of tasks (a submission's {@code tasks} or a planner's {@code spawn}): unique ids, dependencies on
 * known tasks without cycles, and the run still within its task limit once samples and debates are expanded.
 */
final class TaskList {
    private TaskList() {}

    /** Reads one task ({@code at} is its path, ending in a dot). */
    interface TaskReader {
        TaskSpec read(ObjectNode node, String at);
    }

    /** @param existing ids already in the run */
    static List<TaskSpec> read(
            ArrayNode array, String path, Collection<String> existing, WorkflowLimits workflow, TaskReader reader) {
        List<TaskSpec> tasks = new ArrayList<>();
        Map<String, String> fieldOf = new LinkedHashMap<>();
        Set<String> ids = new HashSet<>(existing);
        for (int i = 0; i < array.size(); i++) {
            String at = path + "[" + i + "]";
            JsonNode node = array.get(i);
            if (!node.isObject()) {
                throw new InvalidMessageException(at, "must be an object");
            }
            TaskSpec task = reader.read((ObjectNode) node, at + ".");
            if (!ids.add(task.id())) {
                throw new InvalidMessageException(at + ".id", "duplicate task id '" + task.id() + "'");
            }
            fieldOf.put(task.id(), at + ".dependsOn");
            tasks.add(task);
        }
        Map<String, List<String>> deps = new LinkedHashMap<>();
        for (int i = 0; i < tasks.size(); i++) {
            TaskSpec task = tasks.get(i);
            for (int d = 0; d < task.dependsOn().size(); d++) {
                String dep = task.dependsOn().get(d);
                if (!ids.contains(dep)) {
                    throw new InvalidMessageException(
                            path + "[" + i + "].dependsOn[" + d + "]", "unknown task '" + dep + "'");
                }
                if (dep.equals(task.id())) {
                    throw new InvalidMessageException(
                            path + "[" + i + "].dependsOn[" + d + "]", "dependency cycle: " + dep + " -> " + dep);
                }
            }
            deps.put(task.id(), task.dependsOn());
        }
        Dag.requireAcyclic(List.copyOf(fieldOf.keySet()), deps, fieldOf);
        List<TaskSpec> expanded = TeamExpansion.expand(tasks, ids, path);
        if (expanded.size() > tasks.size() && existing.size() + expanded.size() > workflow.maxTasks()) {
            throw new InvalidMessageException(
                    path,
                    "samples and debates expand the run to " + (existing.size() + expanded.size())
                            + " tasks, more than the limit of "
                            + workflow.maxTasks());
        }
        return expanded;
    }
}
