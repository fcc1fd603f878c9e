package io.agentfleet.orchestrator.workflow.engine;

import static io.agentfleet.orchestrator.workflow.blackboard.BlackboardLimits.MAX_HISTORY;
import static io.agentfleet.orchestrator.workflow.blackboard.BlackboardLimits.MAX_RUN_BYTES;
import static io.agentfleet.orchestrator.workflow.blackboard.BlackboardLimits.MAX_SECTION_BYTES;
import static io.agentfleet.orchestrator.workflow.engine.RunEngine.failure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.RunEventData.BlackboardConflict;
import io.agentfleet.messages.RunEventData.BlackboardEntry;
import io.agentfleet.messages.RunEventData.BlackboardUpdated;
import io.agentfleet.orchestrator.workflow.blackboard.BlackboardSpecs;
import io.agentfleet.orchestrator.workflow.blackboard.TaskAccess;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A result's blackboard writes ({@code output.blackboard}: section name to new value), applied in the transition that
 * applies the result: all of them or none. Each written section's version must still be the one the task was
 * dispatched with (compare-and-set); a stale write dispatches the task again with the fresh sections or fails it, as
 * its {@code onConflict} says. An undeclared or oversized write fails the task with a typed reason.
 */
final class BlackboardWrites {
    private BlackboardWrites() {}

    /** Applies the writes of {@code task}'s result; false when the result must go no further (retried or failed). */
    static boolean apply(RunState run, TaskRecord task, AgentMessage outcome, Instant now) {
        JsonNode writes = outcome.content().get(BlackboardSpecs.FIELD);
        if (!Blackboard.used(run) || writes == null || writes.isNull()) {
            return true;
        }
        TaskAccess access = Blackboard.access(run, task.id);
        ObjectNode refusal = refusal(run, access, writes);
        if (refusal != null) {
            fail(run, task, refusal, now);
            return false;
        }
        Map<String, JsonNode> values = new LinkedHashMap<>();
        writes.fields().forEachRemaining(f -> values.put(f.getKey(), f.getValue()));
        List<String> stale = new ArrayList<>();
        for (String section : values.keySet()) {
            if (Blackboard.section(run, section).version() != Blackboard.dispatchedVersion(run, task.id, section)) {
                stale.add(section);
            }
        }
        if (!stale.isEmpty()) {
            conflict(run, task, access, stale, outcome, now);
            return false;
        }
        values.forEach((section, value) -> write(run, task, section, value, outcome, now));
        return true;
    }

    /** Why the writes are refused (the task's failure), or null when they may be applied. */
    private static ObjectNode refusal(RunState run, TaskAccess access, JsonNode writes) {
        if (!writes.isObject()) {
            return failure("BLACKBOARD_INVALID_WRITE", "output.blackboard must be an object of section name to value");
        }
        List<String> declared = access == null ? List.of() : access.writes();
        long total = 0;
        Map<String, Blackboard.Section> current = Blackboard.sections(run);
        for (var e : current.entrySet()) {
            if (!writes.has(e.getKey())) {
                total += BlackboardSpecs.bytes(e.getValue().value());
            }
        }
        for (var it = writes.fields(); it.hasNext(); ) {
            var f = it.next();
            if (!declared.contains(f.getKey())) {
                return failure(
                        "BLACKBOARD_UNDECLARED_WRITE",
                        "the task may not write section '" + f.getKey() + "' (its blackboard.writes: " + declared
                                + ")");
            }
            int bytes = BlackboardSpecs.bytes(f.getValue());
            if (bytes > MAX_SECTION_BYTES) {
                return failure(
                        "BLACKBOARD_SECTION_TOO_LARGE",
                        "section '" + f.getKey() + "' would be " + bytes + " bytes, more than the limit of "
                                + MAX_SECTION_BYTES);
            }
            total += bytes;
        }
        if (total > MAX_RUN_BYTES) {
            return failure(
                    "BLACKBOARD_TOO_LARGE",
                    "the blackboard would be " + total + " bytes, more than the limit of " + MAX_RUN_BYTES
                            + " per run");
        }
        if (Blackboard.lastSeq(run) + writes.size() > MAX_HISTORY) {
            return failure(
                    "BLACKBOARD_HISTORY_FULL",
                    "the run's blackboard history has reached its limit of " + MAX_HISTORY + " entries");
        }
        return null;
    }

    private static void write(
            RunState run, TaskRecord task, String section, JsonNode value, AgentMessage outcome, Instant now) {
        Blackboard.Section old = Blackboard.section(run, section);
        long version = old.version() + 1;
        String agent = task.currentAgent();
        Blackboard.put(run, section, new Blackboard.Section(version, value, agent, task.id, now.toEpochMilli()));
        BlackboardEntry entry = new BlackboardEntry(
                Blackboard.nextSeq(run),
                section,
                agent,
                worker(outcome, agent),
                task.id,
                task.dispatches,
                old.version(),
                version,
                value,
                List.of());
        run.event(new BlackboardUpdated(now.toString(), entry));
    }

    private static void conflict(
            RunState run, TaskRecord task, TaskAccess access, List<String> stale, AgentMessage outcome, Instant now) {
        String agent = task.currentAgent();
        List<String> described = new ArrayList<>();
        for (String section : stale) {
            long sent = Blackboard.dispatchedVersion(run, task.id, section);
            long current = Blackboard.section(run, section).version();
            described.add(section + " (dispatched with version " + sent + ", now " + current + ")");
            if (Blackboard.lastSeq(run) < MAX_HISTORY) {
                run.event(new BlackboardConflict(
                        now.toString(),
                        new BlackboardEntry(
                                Blackboard.nextSeq(run),
                                section,
                                agent,
                                worker(outcome, agent),
                                task.id,
                                task.dispatches,
                                sent,
                                current,
                                null,
                                List.of())));
            }
        }
        int used = Blackboard.conflictRetries(run, task.id);
        boolean retry =
                access.retryOnConflict() && used < access.maxConflictRetries() && task.state == TaskState.DISPATCHED;
        if (retry) {
            // Back to PENDING under a new revision: this transition's advance dispatches it with the fresh sections.
            Blackboard.countConflictRetry(run, task.id);
            task.revision++;
            task.candidate = null;
            task.moveTo(TaskState.PENDING);
            run.save(task);
            return;
        }
        fail(
                run,
                task,
                failure(
                        "BLACKBOARD_CONFLICT",
                        "stale blackboard write to " + String.join(", ", described)
                                + (access.retryOnConflict()
                                        ? " after " + used + " conflict retries"
                                        : " (onConflict: fail)")),
                now);
    }

    private static void fail(RunState run, TaskRecord task, ObjectNode failure, Instant now) {
        if (task.state == TaskState.DISPATCHED) {
            TaskSettlement.failed(run, task, failure, now);
        } else {
            TaskSettlement.failedForGood(run, task, failure, now);
        }
    }

    /** The worker a result names as its sender, when that is more than the agent type it serves. */
    private static String worker(AgentMessage outcome, String agent) {
        String sender = outcome.sender();
        return sender == null || sender.equals(agent) ? null : sender;
    }
}
