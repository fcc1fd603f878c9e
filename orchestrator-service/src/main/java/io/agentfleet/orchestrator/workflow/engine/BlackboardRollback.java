package io.agentfleet.orchestrator.workflow.engine;

import static io.agentfleet.orchestrator.workflow.blackboard.BlackboardLimits.MAX_HISTORY;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentfleet.messages.RunEventData.BlackboardEntry;
import io.agentfleet.messages.RunEventData.BlackboardEvent;
import io.agentfleet.messages.RunEventData.BlackboardRolledBack;
import io.agentfleet.messages.RunEventData.BlackboardUpdated;
import io.agentfleet.orchestrator.workflow.blackboard.BlackboardHistoryFull;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Rolls back one agent type's or one task's blackboard writes. Every write replaces a whole section, so a section
 * "without the target's writes" holds the value of the latest write to it that neither the target made nor an
 * earlier rollback reverted (the spec's initial value counts as a write by nobody), or null when there is none. Each
 * section the target wrote gets that value as a new version (the version stays when the value is already that one),
 * recorded as a BLACKBOARD_ROLLED_BACK entry naming the entries it reverted; those never count again.
 */
public final class BlackboardRollback {
    private BlackboardRollback() {}

    /**
     * Applies the rollback to {@code run}, given its history as read after the run (so it holds every entry the run's
     * version has); returns the entries it added, empty when the target wrote nothing that is not yet reverted.
     *
     * @param agent the agent type to roll back, or null
     * @param taskId the task to roll back, or null (exactly one of the two is given)
     * @throws BlackboardHistoryFull when the history has no room for the entries
     */
    public static List<BlackboardEntry> apply(
            RunState run, List<BlackboardEvent> history, String agent, String taskId, Instant now) {
        Set<Long> reverted = new HashSet<>();
        history.stream()
                .filter(e -> e instanceof BlackboardRolledBack)
                .forEach(e -> reverted.addAll(e.entry().reverted()));
        Map<String, List<BlackboardEntry>> live = new LinkedHashMap<>();
        for (BlackboardEvent e : history) {
            if (e instanceof BlackboardUpdated && !reverted.contains(e.entry().seq())) {
                live.computeIfAbsent(e.entry().section(), s -> new ArrayList<>())
                        .add(e.entry());
            }
        }
        Map<String, List<BlackboardEntry>> touched = new LinkedHashMap<>();
        live.forEach((section, writes) -> {
            List<BlackboardEntry> mine =
                    writes.stream().filter(w -> targets(w, agent, taskId)).toList();
            if (!mine.isEmpty()) {
                touched.put(section, writes);
            }
        });
        if (Blackboard.lastSeq(run) + touched.size() > MAX_HISTORY) {
            throw new BlackboardHistoryFull(run.runId(), MAX_HISTORY);
        }
        List<BlackboardEntry> added = new ArrayList<>();
        if (!touched.isEmpty()) {
            run.touch(now);
        }
        touched.forEach((section, writes) -> added.add(restore(run, section, writes, agent, taskId, now)));
        return added;
    }

    private static BlackboardEntry restore(
            RunState run, String section, List<BlackboardEntry> writes, String agent, String taskId, Instant now) {
        BlackboardEntry kept = null;
        List<Long> undone = new ArrayList<>();
        for (BlackboardEntry w : writes) {
            if (targets(w, agent, taskId)) {
                undone.add(w.seq());
            } else {
                kept = w;
            }
        }
        JsonNode value = kept == null ? null : kept.value();
        Blackboard.Section old = Blackboard.section(run, section);
        long version = Objects.equals(old.value(), value) ? old.version() : old.version() + 1;
        if (version != old.version()) {
            Blackboard.put(
                    run,
                    section,
                    new Blackboard.Section(
                            version,
                            value,
                            kept == null ? null : kept.agent(),
                            kept == null ? null : kept.taskId(),
                            now.toEpochMilli()));
        }
        BlackboardEntry entry = new BlackboardEntry(
                Blackboard.nextSeq(run), section, agent, null, taskId, 0, old.version(), version, value, undone);
        run.event(new BlackboardRolledBack(now.toString(), entry));
        return entry;
    }

    private static boolean targets(BlackboardEntry write, String agent, String taskId) {
        return (agent != null && agent.equals(write.agent())) || (taskId != null && taskId.equals(write.taskId()));
    }
}
