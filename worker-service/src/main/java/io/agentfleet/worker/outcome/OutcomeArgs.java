package io.agentfleet.worker.outcome;

import io.agentfleet.messages.DeadLetter;
import io.agentfleet.messages.FleetScripts;
import io.agentfleet.messages.Names;
import io.agentfleet.messages.ScriptCall;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.worker.config.AgentPartition;
import io.agentfleet.worker.config.WorkerConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The script calls of one partition's completions: a batch of records as one RECORD_OUTCOMES call (its header and
 * the fixed arguments encoded once), a retry as one RETRY call. A record's own arguments are encoded by {@link
 * #encode} on the thread that submits it.
 */
final class OutcomeArgs {
    private static final byte[] EMPTY = new byte[0];
    private static final int ARGS_PER_RECORD = 5;

    private final AgentPartition partition;
    private final byte[] group = utf8(StreamKeys.WORKERS_GROUP);
    private final byte[] doneTtlSeconds;
    private final byte[] resultsMaxLen;
    private final byte[] deadMaxLen;
    private final byte[] workerName;
    /** The partition's fixed keys, built once instead of per batch. */
    private final String tasks;

    private final String results;
    private final String dead;
    /** The done and checkpoint keys but the task id. */
    private final String donePrefix;

    private final String checkpointPrefix;
    /** A batch's done-key indexes (1-based KEYS positions) as ARGV text, built once: {@code DONE_INDEXES[i]} is "i". */
    private static final byte[][] DONE_INDEXES = doneIndexes(3 + 2 * OutcomeRecorder.MAX_BATCH);

    OutcomeArgs(WorkerConfig worker, AgentPartition partition) {
        this.partition = partition;
        this.tasks = partition.tasks();
        this.results = partition.results();
        this.dead = partition.dead();
        this.donePrefix = partition.keys().donePrefix(partition.agentType(), partition.index());
        this.checkpointPrefix = partition.keys().checkpointPrefix(partition.agentType(), partition.index());
        this.doneTtlSeconds = utf8(Long.toString(Math.max(1, worker.doneTtl().toSeconds())));
        this.resultsMaxLen = utf8(Long.toString(worker.resultsMaxLen()));
        this.deadMaxLen = utf8(Long.toString(worker.deadMaxLen()));
        this.workerName = utf8(worker.consumerName());
    }

    /**
     * The record's script arguments but its done-key index (set per batch): entry id, outcome, task id, dead-letter
     * reason ('' for none), and for a dead letter only its attempts, last error, original message and that message's
     * tenant, read from its text so an invalid message is attributed too.
     */
    static byte[][] encode(Completion.Record r) {
        byte[] entryId = utf8(r.entryId());
        byte[] outcome = r.outcome() == null ? EMPTY : r.outcome();
        byte[] taskId = r.taskId() == null ? EMPTY : utf8(r.taskId());
        Completion.DeadLetterEntry dead = r.deadLetter();
        if (dead == null) {
            return new byte[][] {entryId, outcome, taskId, EMPTY};
        }
        return new byte[][] {
            entryId,
            outcome,
            taskId,
            utf8(dead.reason().name()),
            utf8(Integer.toString(r.attempts())),
            utf8(dead.error()),
            utf8(dead.original()),
            utf8(DeadLetter.tenantOf(dead.original()))
        };
    }

    /** One RECORD_OUTCOMES call for {@code records} (task ids and their {@link #encode encoded} arguments). */
    ScriptCall recordOutcomes(List<String> taskIds, List<byte[][]> encoded, long nowMillis) {
        List<String> keys = new ArrayList<>(3 + 2 * taskIds.size());
        keys.add(tasks);
        keys.add(results);
        keys.add(dead);
        List<byte[]> args = new ArrayList<>(6 + taskIds.size() * ARGS_PER_RECORD);
        args.add(group);
        args.add(doneTtlSeconds);
        args.add(resultsMaxLen);
        args.add(deadMaxLen);
        args.add(utf8(Long.toString(nowMillis)));
        args.add(workerName);
        for (int i = 0; i < taskIds.size(); i++) {
            byte[][] e = encoded.get(i);
            String taskId = taskIds.get(i);
            int doneIndex = 0;
            if (taskId != null) {
                Names.requireId("taskId", taskId);
                keys.add(donePrefix + taskId);
                doneIndex = keys.size();
                keys.add(checkpointPrefix + taskId);
            }
            args.add(e[0]);
            args.add(doneIndex < DONE_INDEXES.length ? DONE_INDEXES[doneIndex] : utf8(Integer.toString(doneIndex)));
            for (int field = 1; field < e.length; field++) {
                args.add(e[field]);
            }
        }
        return new ScriptCall(FleetScripts.RECORD_OUTCOMES, keys, args);
    }

    /** One RETRY call: the next attempt to the delayed set, the entry acknowledged. */
    ScriptCall retry(Completion.Retry retry) {
        return new ScriptCall(
                FleetScripts.RETRY,
                List.of(partition.tasks(), partition.delayed(), partition.done(retry.taskId())),
                List.of(
                        group,
                        utf8(retry.entryId()),
                        utf8(Long.toString(retry.dueAtMillis())),
                        utf8(retry.nextMessageJson())));
    }

    private static byte[][] doneIndexes(int count) {
        byte[][] indexes = new byte[count][];
        for (int i = 0; i < count; i++) {
            indexes[i] = utf8(Integer.toString(i));
        }
        return indexes;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
