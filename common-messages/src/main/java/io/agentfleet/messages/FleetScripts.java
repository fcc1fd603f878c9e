package io.agentfleet.messages;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The Lua scripts every side of the fleet shares. Each script's header in its resource file lists its KEYS and ARGV;
 * all keys of one call carry the same hash tag.
 */
public final class FleetScripts {
    /** Enqueue with the backpressure check: all-or-nothing per call. */
    public static final LuaScript ENQUEUE = LuaScript.load("enqueue.lua");
    /** Record outcomes (result, error, dead letter) and XACK their entries; first outcome per task wins. */
    public static final LuaScript RECORD_OUTCOMES = LuaScript.load("record_outcomes.lua");
    /** Schedule a retry on the delayed set and XACK the current entry. */
    public static final LuaScript RETRY = LuaScript.load("retry.lua");
    /** Move due retries and scheduled tasks to their priority's task stream; safe with many callers. */
    public static final LuaScript PROMOTE = LuaScript.load("promote.lua");
    /** Accept tasks that run later onto the delayed set, with the backpressure check: all-or-nothing per call. */
    public static final LuaScript SCHEDULE = LuaScript.load("schedule.lua");
    /** Cancel scheduled tasks that were not promoted yet. */
    public static final LuaScript UNSCHEDULE = LuaScript.load("unschedule.lua");
    /** Move dead letters back to the task stream as fresh tasks. */
    public static final LuaScript REDRIVE = LuaScript.load("redrive.lua");
    /** Delete a partition's dead-letter stream, returning how many letters it held. */
    public static final LuaScript PURGE_DEAD = LuaScript.load("purge_dead.lua");
    /** Delete one tenant's dead letters of a partition (or every one after a cursor), reading at most a budget. */
    public static final LuaScript PURGE_DEAD_SCOPED = LuaScript.load("purge_dead_scoped.lua");
    /** Raise an agent type's registered partition count. */
    public static final LuaScript REGISTER_PARTITIONS = LuaScript.load("register_partitions.lua");
    /** Heartbeat, count a consumer group and remove its ghosts (nothing pending, unseen past a threshold). */
    public static final LuaScript REAP_CONSUMERS = LuaScript.load("reap_consumers.lua");

    /** Prefix of the error reply {@link #ENQUEUE} gives when refusing: {@code BACKPRESSURE <backlog> <bound>}. */
    public static final String BACKPRESSURE_ERROR = "BACKPRESSURE";

    private FleetScripts() {}

    /** {@link #enqueue(StreamKeys, String, int, Priority, long, List, List)} at NORMAL priority. */
    public static ScriptCall enqueue(
            StreamKeys keys,
            String agent,
            int partition,
            long defaultBound,
            List<byte[]> messages,
            List<String> markerTaskIds) {
        return enqueue(keys, agent, partition, Priority.NORMAL, defaultBound, messages, markerTaskIds);
    }

    /**
     * The ENQUEUE call for one partition of an agent type: append {@code messages} to its task stream of {@code
     * priority} unless its backlog (the entries of every priority's stream and of its delayed set: retries and scheduled
     * tasks) would pass the bound (all or nothing).
     *
     * @param defaultBound backlog bound used when the partition's config hash has no {@value
     *     StreamKeys#MAX_BACKLOG_FIELD} (0 = unbounded)
     * @param messages the messages' JSON as UTF-8
     * @param markerTaskIds empty, or one task id per message: a message whose "enqueued once" marker exists is not
     *     appended again (a dispatcher repeating an enqueue after a crash adds nothing)
     */
    public static ScriptCall enqueue(
            StreamKeys keys,
            String agent,
            int partition,
            Priority priority,
            long defaultBound,
            List<byte[]> messages,
            List<String> markerTaskIds) {
        if (!markerTaskIds.isEmpty() && markerTaskIds.size() != messages.size()) {
            throw new IllegalArgumentException("enqueue: " + markerTaskIds.size() + " markers for " + messages.size()
                    + " messages; give one per message or none");
        }
        List<String> scriptKeys = new ArrayList<>(5 + markerTaskIds.size());
        scriptKeys.add(keys.tasks(agent, partition, priority));
        scriptKeys.add(keys.config(agent, partition));
        for (Priority other : Priority.values()) {
            if (other != priority) {
                scriptKeys.add(keys.tasks(agent, partition, other));
            }
        }
        scriptKeys.add(keys.delayed(agent, partition));
        for (String taskId : markerTaskIds) {
            scriptKeys.add(keys.enqueued(agent, partition, taskId));
        }
        List<byte[]> args = new ArrayList<>(1 + messages.size());
        args.add(ascii(Long.toString(defaultBound)));
        args.addAll(messages);
        return new ScriptCall(ENQUEUE, scriptKeys, args);
    }

    /**
     * The SCHEDULE call for one partition of an agent type: {@code messages} wait in its delayed set until {@code due},
     * unless the backlog (task streams plus delayed set) would pass the bound (all or nothing). A message whose task id
     * is scheduled already, or whose "enqueued once" marker exists, is skipped. The reply reads with {@link
     * Scheduled#of(Object)}.
     *
     * @param taskIds one per message: the id it is found by for cancelling
     * @param markerTaskIds empty, or one task id per message (as for {@link #enqueue})
     */
    public static ScriptCall schedule(
            StreamKeys keys,
            String agent,
            int partition,
            long defaultBound,
            Due due,
            List<String> taskIds,
            List<byte[]> messages,
            List<String> markerTaskIds) {
        if (taskIds.size() != messages.size()
                || (!markerTaskIds.isEmpty() && markerTaskIds.size() != messages.size())) {
            throw new IllegalArgumentException("schedule: " + taskIds.size() + " task ids and " + markerTaskIds.size()
                    + " markers for " + messages.size() + " messages");
        }
        List<String> scriptKeys = new ArrayList<>(6 + markerTaskIds.size());
        scriptKeys.add(keys.delayed(agent, partition));
        scriptKeys.add(keys.scheduled(agent, partition));
        scriptKeys.add(keys.config(agent, partition));
        scriptKeys.addAll(levelStreams(keys, agent, partition));
        for (String taskId : markerTaskIds) {
            scriptKeys.add(keys.enqueued(agent, partition, taskId));
        }
        List<byte[]> args = new ArrayList<>(2 + 2 * messages.size());
        args.add(ascii(Long.toString(defaultBound)));
        args.add(ascii(due.scriptArg()));
        for (int i = 0; i < messages.size(); i++) {
            args.add(ascii(Names.requireId("taskId", taskIds.get(i))));
            args.add(messages.get(i));
        }
        return new ScriptCall(SCHEDULE, scriptKeys, args);
    }

    /**
     * What {@link #schedule} did.
     *
     * @param dueAt the due time, epoch ms of Redis's clock
     * @param scheduled per message: true when scheduled, false when skipped as a repeat
     */
    public record Scheduled(long dueAt, List<Boolean> scheduled) {
        public Scheduled {
            scheduled = List.copyOf(scheduled);
        }

        /** Reads the script's reply (a list of integers) as either client family returns it. */
        public static Scheduled of(Object reply) {
            if (!(reply instanceof List<?> parts) || parts.isEmpty() || !(parts.get(0) instanceof Number due)) {
                throw new FleetException("unexpected reply of " + SCHEDULE.name() + ": " + reply);
            }
            List<Boolean> flags = new ArrayList<>(parts.size() - 1);
            for (Object flag : parts.subList(1, parts.size())) {
                flags.add(flag instanceof Number n && n.longValue() == 1);
            }
            return new Scheduled(due.longValue(), flags);
        }
    }

    /**
     * The PROMOTE call for one partition: moves at most {@code batch} due entries of its delayed set to the task
     * stream of their priority; it returns how many moved.
     */
    public static ScriptCall promote(StreamKeys keys, String agent, int partition, int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, but was " + batch);
        }
        List<String> scriptKeys = new ArrayList<>(5);
        scriptKeys.add(keys.delayed(agent, partition));
        scriptKeys.addAll(levelStreams(keys, agent, partition));
        scriptKeys.add(keys.scheduled(agent, partition));
        return new ScriptCall(PROMOTE, scriptKeys, List.of(ascii(Integer.toString(batch))));
    }

    /** The UNSCHEDULE call: cancels those of {@code taskIds} still scheduled on one partition; returns how many. */
    public static ScriptCall unschedule(StreamKeys keys, String agent, int partition, List<String> taskIds) {
        List<byte[]> args = new ArrayList<>(taskIds.size());
        taskIds.forEach(id -> args.add(ascii(Names.requireId("taskId", id))));
        return new ScriptCall(
                UNSCHEDULE, List.of(keys.delayed(agent, partition), keys.scheduled(agent, partition)), args);
    }

    /** The task streams of one partition by priority level, in the order the scripts take them: NORMAL, HIGH, LOW. */
    static List<String> levelStreams(StreamKeys keys, String agent, int partition) {
        return List.of(
                keys.tasks(agent, partition, Priority.NORMAL),
                keys.tasks(agent, partition, Priority.HIGH),
                keys.tasks(agent, partition, Priority.LOW));
    }

    /**
     * One dead letter to put back on its partition's task stream of {@code priority} (the priority of its message).
     */
    public record Redrive(String deadLetterEntryId, String taskId, byte[] message, Priority priority) {
        public Redrive {
            priority = priority == null ? Priority.NORMAL : priority;
        }

        /** A redrive to the NORMAL stream. */
        public Redrive(String deadLetterEntryId, String taskId, byte[] message) {
            this(deadLetterEntryId, taskId, message, Priority.NORMAL);
        }
    }

    /**
     * The REDRIVE call for dead letters of one partition: each is deleted from the dead-letter stream, its task's
     * recorded outcome (done key) removed and its message appended to the task stream of its priority, atomically; a
     * dead letter already redriven or purged by someone else is skipped.
     */
    public static ScriptCall redrive(StreamKeys keys, String agent, int partition, List<Redrive> letters) {
        List<String> scriptKeys = new ArrayList<>(4 + letters.size());
        scriptKeys.add(keys.dead(agent, partition));
        List<Priority> streamOrder = List.of(Priority.NORMAL, Priority.HIGH, Priority.LOW);
        for (Priority level : streamOrder) {
            scriptKeys.add(keys.tasks(agent, partition, level));
        }
        List<byte[]> args = new ArrayList<>(4 * letters.size());
        for (Redrive letter : letters) {
            int doneIndex = 0;
            if (letter.taskId() != null) {
                scriptKeys.add(keys.done(agent, partition, letter.taskId()));
                doneIndex = scriptKeys.size();
            }
            args.add(ascii(letter.deadLetterEntryId()));
            args.add(ascii(Integer.toString(doneIndex)));
            args.add(ascii(Integer.toString(2 + streamOrder.indexOf(letter.priority()))));
            args.add(letter.message());
        }
        return new ScriptCall(REDRIVE, scriptKeys, args);
    }

    /** The call that deletes every dead letter of one partition atomically and returns how many there were. */
    public static ScriptCall purgeDead(StreamKeys keys, String agent, int partition) {
        return new ScriptCall(PURGE_DEAD, List.of(keys.dead(agent, partition)), List.of());
    }

    /**
     * The call that deletes, in one atomic step on one partition's dead-letter stream, the dead letters of {@code
     * tenant} (those whose {@value DeadLetter#TENANT_FIELD} field is exactly it) among the entries after {@code after}
     * (null = from the oldest), reading at most {@code budget} entries (0 = to the end). Its reply reads with {@link
     * ScopedPurge#of(Object)}.
     *
     * @param tenant the tenant whose dead letters go; null deletes every entry read (an operator continuing after a
     *     cursor)
     */
    public static ScriptCall purgeDeadScoped(
            StreamKeys keys, String agent, int partition, String tenant, String after, int budget) {
        if (budget < 0) {
            throw new IllegalArgumentException("budget must be >= 0, but was " + budget);
        }
        List<byte[]> args = new ArrayList<>(3);
        args.add(ascii(after == null ? "-" : "(" + after));
        args.add(ascii(Integer.toString(budget)));
        if (tenant != null) {
            if (tenant.isEmpty()) {
                throw new IllegalArgumentException("tenant must not be empty: null purges every tenant's");
            }
            args.add(ascii(tenant));
        }
        return new ScriptCall(PURGE_DEAD_SCOPED, List.of(keys.dead(agent, partition)), args);
    }

    /**
     * What {@link #purgeDeadScoped} did on one partition.
     *
     * @param purged how many dead letters it deleted
     * @param continueAfter the last entry id it read when its budget ran out (continue after it), or null when it read
     *     to the end of the stream
     */
    public record ScopedPurge(long purged, String continueAfter) {
        /** Reads the script's reply as either client family returns it (numbers, and strings or UTF-8 bytes). */
        public static ScopedPurge of(Object reply) {
            if (!(reply instanceof List<?> parts) || parts.size() != 2 || !(parts.get(0) instanceof Number n)) {
                throw new FleetException("unexpected reply of " + PURGE_DEAD_SCOPED.name() + ": " + reply);
            }
            Object last = parts.get(1);
            String text = last instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : (String) last;
            return new ScopedPurge(n.longValue(), text == null || text.isEmpty() ? null : text);
        }
    }

    /**
     * The call that raises {@code agent}'s registered partition count to {@code partitions} (never lowers it); it
     * returns the registered count.
     */
    public static ScriptCall registerPartitions(StreamKeys keys, String agent, int partitions) {
        StreamKeys.requirePartitionCount(partitions);
        return new ScriptCall(
                REGISTER_PARTITIONS, List.of(keys.config(agent, 0)), List.of(ascii(Integer.toString(partitions))));
    }

    /**
     * One hygiene pass over {@code group} of {@code stream}: records a heartbeat for {@code heartbeatFor} (when not
     * null), counts the group's consumers and, when {@code reap}, removes every consumer unseen for at least
     * {@code threshold} that holds no pending entries. Seen = the later of its last read or claim (XINFO CONSUMERS
     * idle) and its last heartbeat in {@code seenHash}. Replies {consumers left, live, removed, ghosts kept for their
     * pending entries}.
     */
    public static ScriptCall reapConsumers(
            String stream, String seenHash, String group, Duration threshold, String heartbeatFor, boolean reap) {
        if (threshold.isNegative() || threshold.isZero()) {
            throw new IllegalArgumentException("threshold must be > 0, but was " + threshold);
        }
        return new ScriptCall(
                REAP_CONSUMERS,
                List.of(stream, seenHash),
                List.of(
                        ascii(group),
                        ascii(Long.toString(threshold.toMillis())),
                        ascii(heartbeatFor == null ? "" : heartbeatFor),
                        ascii(reap ? "1" : "0")));
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Turns an ENQUEUE error reply into a {@link BackpressureException} when it is one.
     *
     * @return the exception, or null when the message is some other error
     */
    public static BackpressureException backpressureFrom(String errorMessage, StreamKeys keys, String agent) {
        if (errorMessage == null) {
            return null;
        }
        int at = errorMessage.indexOf(BACKPRESSURE_ERROR);
        if (at < 0) {
            return null;
        }
        String[] parts = errorMessage.substring(at).trim().split("\\s+");
        long backlog = parts.length > 1 ? Long.parseLong(parts[1]) : -1;
        long bound = parts.length > 2 ? Long.parseLong(parts[2]) : -1;
        return new BackpressureException(agent, keys.tasks(agent), backlog, bound);
    }
}
