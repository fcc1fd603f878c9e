package io.agentfleet.orchestrator.workflow.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.RunEventData.BlackboardEntry;
import io.agentfleet.messages.RunEventData.BlackboardUpdated;
import io.agentfleet.orchestrator.workflow.blackboard.BlackboardSpec;
import io.agentfleet.orchestrator.workflow.blackboard.TaskAccess;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's blackboard as fields of its state hash, so that every change commits atomically with the transition that
 * makes it (the run's version is the compare-and-set of the whole hash; a section's version is what tasks compare):
 * {@code bb:on} (the run has a blackboard), {@code bb:seq} (the last history entry's number), {@code bb:s:<section>}
 * (version, value, last writer), {@code bb:a:<task>} (the task's access), {@code bb:d:<task>} (the section versions
 * of its current dispatch), {@code bb:c:<task>} (conflict retries used).
 */
public final class Blackboard {
    static final String PREFIX = "bb:";
    private static final String ON = "on";
    private static final String SEQ = "seq";
    private static final String SECTION = "s:";
    private static final String ACCESS = "a:";
    private static final String DISPATCHED = "d:";
    private static final String CONFLICTS = "c:";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Blackboard() {}

    /** A section as stored: its version (0 = never written), value, and who wrote it last. */
    public record Section(long version, JsonNode value, String agent, String taskId, long at) {
        ObjectNode toJson() {
            ObjectNode n = JsonNodeFactory.instance.objectNode();
            n.put("version", version);
            n.set("value", value);
            n.put("agent", agent);
            n.put("taskId", taskId);
            n.put("at", at);
            return n;
        }
    }

    static void init(RunState run, BlackboardSpec spec, Instant now) {
        if (!spec.used()) {
            return;
        }
        run.setBlackboardField(ON, "1");
        spec.tasks().forEach((task, access) -> run.setBlackboardField(ACCESS + task, JsonText.of(access.toJson())));
        spec.sections().forEach((name, value) -> {
            Section written = new Section(1, value, null, null, now.toEpochMilli());
            put(run, name, written);
            long seq = nextSeq(run);
            run.event(new BlackboardUpdated(
                    now.toString(), new BlackboardEntry(seq, name, null, null, null, 0, 0, 1, value, List.of())));
        });
    }

    /** Adds the sections {@code task} reads and writes to its content, remembering the versions it is sent. */
    static void attach(RunState run, TaskRecord task, ObjectNode content) {
        TaskAccess access = access(run, task.id);
        if (access == null) {
            return;
        }
        ObjectNode board = content.putObject("blackboard");
        ObjectNode versions = JsonNodeFactory.instance.objectNode();
        for (String name : access.visible()) {
            Section s = section(run, name);
            ObjectNode entry = board.putObject(name);
            entry.put("version", s.version());
            entry.set("value", s.value());
            versions.put(name, s.version());
        }
        run.setBlackboardField(DISPATCHED + task.id, JsonText.of(versions));
    }

    /** Whether the run has a blackboard. */
    public static boolean used(RunState run) {
        return run.blackboardField(ON) != null;
    }

    /** Every section the run has written or been given, by name. */
    public static Map<String, Section> sections(RunState run) {
        Map<String, Section> out = new LinkedHashMap<>();
        run.blackboardFieldNames().stream()
                .filter(f -> f.startsWith(SECTION))
                .sorted()
                .forEach(f -> out.put(f.substring(SECTION.length()), section(run, f.substring(SECTION.length()))));
        return out;
    }

    /** The section, or version 0 with a null value when it was never written. */
    public static Section section(RunState run, String name) {
        String text = run.blackboardField(SECTION + name);
        if (text == null) {
            return new Section(0, null, null, null, 0);
        }
        JsonNode n = parse(text);
        JsonNode value = n.get("value");
        return new Section(
                n.path("version").asLong(),
                value == null || value.isNull() ? null : value,
                n.hasNonNull("agent") ? n.get("agent").asText() : null,
                n.hasNonNull("taskId") ? n.get("taskId").asText() : null,
                n.path("at").asLong());
    }

    static void put(RunState run, String name, Section section) {
        run.setBlackboardField(SECTION + name, JsonText.of(section.toJson()));
    }

    static TaskAccess access(RunState run, String taskId) {
        String text = run.blackboardField(ACCESS + taskId);
        return text == null ? null : TaskAccess.fromJson(parse(text));
    }

    /** The version of {@code section} that {@code taskId}'s current dispatch was sent (0 when it was not sent it). */
    static long dispatchedVersion(RunState run, String taskId, String section) {
        String text = run.blackboardField(DISPATCHED + taskId);
        return text == null ? 0 : parse(text).path(section).asLong();
    }

    static int conflictRetries(RunState run, String taskId) {
        String text = run.blackboardField(CONFLICTS + taskId);
        return text == null ? 0 : Integer.parseInt(text);
    }

    static void countConflictRetry(RunState run, String taskId) {
        run.setBlackboardField(CONFLICTS + taskId, Integer.toString(conflictRetries(run, taskId) + 1));
    }

    /** The number of the last history entry (0 when there is none). */
    public static long lastSeq(RunState run) {
        String text = run.blackboardField(SEQ);
        return text == null ? 0 : Long.parseLong(text);
    }

    static long nextSeq(RunState run) {
        long seq = lastSeq(run) + 1;
        run.setBlackboardField(SEQ, Long.toString(seq));
        return seq;
    }

    private static JsonNode parse(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable blackboard field: " + e.getOriginalMessage(), e);
        }
    }
}
