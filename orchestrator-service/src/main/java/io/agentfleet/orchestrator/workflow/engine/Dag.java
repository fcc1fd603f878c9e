package io.agentfleet.orchestrator.workflow.engine;

import io.agentfleet.messages.InvalidMessageException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The dependency graph of a run: cycle detection (the error names the cycle, following {@code dependsOn}) and
 * readiness, i.e. which dependencies a task waits for once planners have spawned tasks, and whether they have settled.
 */
public final class Dag {
    private Dag() {}

    /**
     * @param order task ids in submission order
     * @param deps the dependencies of each task (all must exist)
     * @param fieldOf the JSON path to blame for a task's dependencies, e.g. {@code tasks[2].dependsOn}
     */
    public static void requireAcyclic(List<String> order, Map<String, List<String>> deps, Map<String, String> fieldOf) {
        Map<String, Integer> color = new HashMap<>();
        for (String start : order) {
            if (!color.containsKey(start)) {
                List<String> path = new ArrayList<>();
                List<String> cycle = visit(start, deps, color, path);
                if (cycle != null) {
                    throw new InvalidMessageException(
                            fieldOf.get(cycle.get(0)), "dependency cycle: " + String.join(" -> ", cycle));
                }
            }
        }
    }

    /** The effective dependencies ({@link #effectiveDeps(String, Map, Map)}) of every task of {@code run}, by id. */
    static Map<String, List<String>> effectiveDeps(RunState run) {
        Map<String, List<String>> deps = dependsOn(run);
        if (noneSpawned(run)) {
            return deps;
        }
        Map<String, String> spawnedBy = spawnedBy(run);
        Map<String, List<String>> effective = new LinkedHashMap<>();
        deps.keySet().forEach(id -> effective.put(id, effectiveDeps(id, deps, spawnedBy)));
        return effective;
    }

    /** The effective dependencies of task {@code id} of {@code run}. */
    static List<String> effectiveDeps(RunState run, String id) {
        if (noneSpawned(run)) {
            TaskRecord task = run.task(id);
            return task == null ? List.of() : task.dependsOn;
        }
        return effectiveDeps(id, dependsOn(run), spawnedBy(run));
    }

    /** Without planner expansion, a task's effective dependencies are the ones it declares. */
    private static boolean noneSpawned(RunState run) {
        for (TaskRecord task : run.tasks()) {
            if (task.spawnedBy != null) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, List<String>> dependsOn(RunState run) {
        Map<String, List<String>> deps = new LinkedHashMap<>();
        run.tasks().forEach(t -> deps.put(t.id, t.dependsOn));
        return deps;
    }

    private static Map<String, String> spawnedBy(RunState run) {
        Map<String, String> spawnedBy = new LinkedHashMap<>();
        run.tasks().forEach(t -> spawnedBy.put(t.id, t.spawnedBy));
        return spawnedBy;
    }

    /**
     * A task's dependencies including planner expansion: depending on a planner means depending on everything it
     * spawned (recursively), unless the task is itself part of that expansion.
     */
    static List<String> effectiveDeps(String id, Map<String, List<String>> deps, Map<String, String> spawnedBy) {
        Set<String> all = new LinkedHashSet<>();
        for (String dep : deps.getOrDefault(id, List.of())) {
            all.add(dep);
            if (!isDescendant(id, dep, spawnedBy)) {
                for (String other : deps.keySet()) {
                    if (!other.equals(id) && isDescendant(other, dep, spawnedBy)) {
                        all.add(other);
                    }
                }
            }
        }
        return new ArrayList<>(all);
    }

    private static boolean isDescendant(String id, String ancestor, Map<String, String> spawnedBy) {
        String parent = spawnedBy.get(id);
        for (int hops = 0; parent != null && hops < 1000; hops++) {
            if (parent.equals(ancestor)) {
                return true;
            }
            parent = spawnedBy.get(parent);
        }
        return false;
    }

    /**
     * Whether every task of {@code deps} has settled: completed, skipped or failed. A failure that was not optional nor
     * left to its dependents' edges ({@link Edges#failureHandled}) has ended the run already; one a planner's later
     * task depends on still settles it, so that task's own edge decides instead of it waiting forever.
     */
    static boolean settled(RunState run, List<String> deps) {
        for (String dep : deps) {
            TaskRecord d = run.task(dep);
            boolean settled =
                    d.state == TaskState.COMPLETED || d.state == TaskState.SKIPPED || d.state == TaskState.FAILED;
            if (!settled) {
                return false;
            }
        }
        return true;
    }

    private static List<String> visit(
            String node, Map<String, List<String>> deps, Map<String, Integer> color, List<String> path) {
        color.put(node, 1);
        path.add(node);
        for (String dep : deps.getOrDefault(node, List.of())) {
            Integer c = color.get(dep);
            if (c == null) {
                List<String> cycle = visit(dep, deps, color, path);
                if (cycle != null) {
                    return cycle;
                }
            } else if (c == 1) {
                List<String> cycle = new ArrayList<>(path.subList(path.indexOf(dep), path.size()));
                cycle.add(dep);
                return cycle;
            }
        }
        path.remove(path.size() - 1);
        color.put(node, 2);
        return null;
    }
}
