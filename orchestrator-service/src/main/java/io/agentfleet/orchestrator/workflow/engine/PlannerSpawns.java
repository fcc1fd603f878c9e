package io.agentfleet.orchestrator.workflow.engine;

import static io.agentfleet.orchestrator.workflow.engine.EventData.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.messages.RunEventData.TasksSpawned;
import io.agentfleet.orchestrator.workflow.spec.SpecParser;
import io.agentfleet.orchestrator.workflow.spec.TaskSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Completes a task, first adding the tasks its output spawns (a planner), which must keep the run's graph acyclic. */
final class PlannerSpawns {
    private final SpecParser parser;

    PlannerSpawns(SpecParser parser) {
        this.parser = parser;
    }

    void complete(RunState run, TaskRecord task, JsonNode output, Instant now) {
        JsonNode spawn = output == null ? null : output.get("spawn");
        if (spawn != null && !spawn.isNull()) {
            try {
                List<TaskSpec> specs =
                        parser.spawn(spawn, run.tasks().stream().map(t -> t.id).toList());
                if (!specs.isEmpty() && tooDeep(run, task, specs, now)) {
                    return;
                }
                addSpawned(run, task, specs, now);
            } catch (InvalidMessageException e) {
                TaskSettlement.failed(
                        run, task, RunEngine.failure("INVALID_SPAWN", e.field() + ": " + e.reason()), now);
                return;
            }
        }
        TaskSettlement.completed(run, task, output, now);
    }

    /**
     * Fails {@code planner} when the tasks it spawns would be more planner generations deep than the limit, naming
     * the path from the submitted task down to them.
     */
    private boolean tooDeep(RunState run, TaskRecord planner, List<TaskSpec> specs, Instant now) {
        List<String> path = new ArrayList<>();
        for (TaskRecord t = planner; t != null; t = t.spawnedBy == null ? null : run.task(t.spawnedBy)) {
            path.addFirst(t.id);
        }
        int depth = path.size();
        if (depth <= parser.maxSpawnDepth()) {
            return false;
        }
        path.add(String.join(",", specs.stream().map(TaskSpec::id).toList()));
        TaskSettlement.failed(
                run,
                planner,
                RunEngine.failure(
                        "SPAWN_TOO_DEEP",
                        "spawn would add tasks " + depth + " planner generations deep (" + String.join(" > ", path)
                                + "), more than the limit of " + parser.maxSpawnDepth()),
                now);
        return true;
    }

    private void addSpawned(RunState run, TaskRecord planner, List<TaskSpec> specs, Instant now) {
        Map<String, String> spawnedBy = new LinkedHashMap<>();
        run.tasks().forEach(t -> spawnedBy.put(t.id, t.spawnedBy));
        specs.forEach(s -> spawnedBy.put(s.id(), planner.id));
        Map<String, List<String>> deps = new LinkedHashMap<>();
        Map<String, String> fieldOf = new LinkedHashMap<>();
        run.tasks().forEach(t -> {
            deps.put(t.id, t.dependsOn);
            fieldOf.put(t.id, "spawn (existing task " + t.id + ")");
        });
        for (int i = 0; i < specs.size(); i++) {
            deps.put(specs.get(i).id(), specs.get(i).dependsOn());
            fieldOf.put(specs.get(i).id(), "spawn[" + i + "].dependsOn");
        }
        Map<String, List<String>> effective = new LinkedHashMap<>();
        deps.keySet().forEach(id -> effective.put(id, Dag.effectiveDeps(id, deps, spawnedBy)));
        Dag.requireAcyclic(List.copyOf(effective.keySet()), effective, fieldOf);
        TasksSpawned spawned = new TasksSpawned(
                now.toString(),
                snapshot(planner),
                specs.stream().map(TaskSpec::id).toList());
        for (TaskSpec spec : specs) {
            run.addTask(new TaskRecord(spec, planner.id, now.toEpochMilli()));
        }
        run.event(spawned);
    }
}
