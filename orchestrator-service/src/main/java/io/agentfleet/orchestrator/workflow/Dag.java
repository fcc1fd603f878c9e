package io.agentfleet.orchestrator.workflow;

import io.agentfleet.messages.InvalidMessageException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Cycle detection over dependency edges; the error names the cycle, following {@code dependsOn}. */
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
