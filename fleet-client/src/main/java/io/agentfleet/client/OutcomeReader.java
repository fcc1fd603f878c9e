package io.agentfleet.client;

import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.StreamKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import redis.clients.jedis.PipelineBase;
import redis.clients.jedis.Response;

/** Waits for tasks' recorded outcomes ({@code prefix:{A}:done:TASKID}) by polling with a short backoff. */
final class OutcomeReader {
    private final StreamKeys keys;
    private final MessageCodec codec;
    private final RedisGateway redis;

    OutcomeReader(StreamKeys keys, MessageCodec codec, RedisGateway redis) {
        this.keys = keys;
        this.codec = codec;
        this.redis = redis;
    }

    /** The task's outcome once recorded; see {@link FleetClient#await(TaskHandle, Duration)}. */
    TaskResult await(TaskHandle handle, Duration timeout) {
        Objects.requireNonNull(handle, "handle");
        long deadline = Polling.deadlineOf(timeout);
        String doneKey = keys.done(handle.agent(), handle.partition(), handle.taskId());
        Duration pause = Polling.FIRST_POLL;
        while (true) {
            String recorded = redis.call("reading the outcome of task " + handle.taskId(), jedis -> jedis.get(doneKey));
            if (recorded != null) {
                return Outcomes.resultOf(handle, recorded, codec);
            }
            pause = Polling.pauseBefore(
                    deadline, pause, () -> new TaskTimeoutException(handle.agent(), handle.taskId(), timeout, ""));
        }
    }

    /** Every task's outcome, one pipeline per poll; see {@link FleetClient#awaitAll(List, Duration)}. */
    List<TaskResult> awaitAll(List<TaskHandle> handles, Duration timeout) {
        Objects.requireNonNull(handles, "handles");
        long deadline = Polling.deadlineOf(timeout);
        String[] recorded = new String[handles.size()];
        Duration pause = Polling.FIRST_POLL;
        while (true) {
            List<Integer> outstanding = readOutcomes(handles, recorded);
            if (outstanding.isEmpty()) {
                break;
            }
            TaskHandle first = handles.get(outstanding.getFirst());
            pause = Polling.pauseBefore(
                    deadline,
                    pause,
                    () -> new TaskTimeoutException(
                            first.agent(),
                            first.taskId(),
                            timeout,
                            " (" + outstanding.size() + " of " + handles.size() + " tasks still without an outcome)"));
        }
        List<TaskResult> results = new ArrayList<>(handles.size());
        for (int i = 0; i < handles.size(); i++) {
            results.add(Outcomes.resultOf(handles.get(i), recorded[i], codec));
        }
        return results;
    }

    private List<Integer> readOutcomes(List<TaskHandle> handles, String[] recorded) {
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < recorded.length; i++) {
            if (recorded[i] == null) {
                missing.add(i);
            }
        }
        if (missing.isEmpty()) {
            return missing;
        }
        List<Response<String>> replies = redis.call("reading task outcomes", jedis -> {
            try (PipelineBase pipeline = jedis.pipelined()) {
                List<Response<String>> gets = new ArrayList<>(missing.size());
                for (int index : missing) {
                    TaskHandle handle = handles.get(index);
                    gets.add(pipeline.get(keys.done(handle.agent(), handle.partition(), handle.taskId())));
                }
                pipeline.sync();
                return gets;
            }
        });
        List<Integer> stillMissing = new ArrayList<>();
        for (int i = 0; i < missing.size(); i++) {
            recorded[missing.get(i)] = replies.get(i).get();
            if (recorded[missing.get(i)] == null) {
                stillMissing.add(missing.get(i));
            }
        }
        return stillMissing;
    }
}
