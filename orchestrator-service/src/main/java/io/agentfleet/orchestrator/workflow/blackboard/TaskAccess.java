package io.agentfleet.orchestrator.workflow.blackboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What one task may do with the run's blackboard.
 *
 * @param reads sections that arrive in its context
 * @param writes sections its result may write ({@code output.blackboard}); they arrive in its context too
 * @param retryOnConflict a stale write dispatches the task again with the fresh sections (true) or fails it (false)
 * @param maxConflictRetries how many times a stale write is retried before the task fails
 */
public record TaskAccess(List<String> reads, List<String> writes, boolean retryOnConflict, int maxConflictRetries) {
    public TaskAccess {
        reads = List.copyOf(reads);
        writes = List.copyOf(writes);
    }

    /** The sections its context carries: what it reads, then what it writes. */
    public Set<String> visible() {
        Set<String> all = new LinkedHashSet<>(reads);
        all.addAll(writes);
        return all;
    }

    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        reads.forEach(n.putArray("reads")::add);
        writes.forEach(n.putArray("writes")::add);
        n.put("onConflict", retryOnConflict ? "retry" : "fail");
        n.put("maxConflictRetries", maxConflictRetries);
        return n;
    }

    public static TaskAccess fromJson(JsonNode n) {
        return new TaskAccess(
                texts(n.get("reads")),
                texts(n.get("writes")),
                !"fail".equals(n.path("onConflict").asText()),
                n.path("maxConflictRetries").asInt());
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null) {
            array.forEach(v -> out.add(v.asText()));
        }
        return out;
    }
}
