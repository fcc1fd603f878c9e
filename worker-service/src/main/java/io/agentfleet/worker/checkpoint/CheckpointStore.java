package io.agentfleet.worker.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.messages.LuaScript;
import io.agentfleet.messages.ScriptCall;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.worker.config.AgentPartition;
import io.agentfleet.worker.config.WorkerConfig;
import io.agentfleet.worker.spi.Checkpoint;
import io.agentfleet.worker.spi.CheckpointTooLargeException;
import io.agentfleet.worker.spi.LeaseLostException;
import io.agentfleet.worker.spi.TaskCheckpoints;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkpoints of the tasks of one task stream, kept in a hash per task ({@code data}, {@code attempt}, {@code at})
 * under the stream's hash tag, so that the outcome script deletes a task's checkpoint in the step that records its
 * outcome. A save goes through {@code checkpoint.lua}, which writes only while this consumer holds the entry.
 */
public final class CheckpointStore {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
    static final LuaScript SAVE = LuaScript.load(CheckpointStore.class, "checkpoint.lua");

    private final AgentPartition partition;
    private final FleetRedis redis;
    private final ObjectMapper json;
    private final Clock clock;
    private final String consumerName;
    private final int maxBytes;
    private final byte[] ttlSeconds;

    public CheckpointStore(
            WorkerConfig worker, AgentPartition partition, FleetRedis redis, ObjectMapper json, Clock clock) {
        this.partition = partition;
        this.redis = redis;
        this.json = json;
        this.clock = clock;
        this.consumerName = worker.consumerName();
        this.maxBytes = worker.checkpointMaxBytes();
        this.ttlSeconds = utf8(Long.toString(Math.max(1, worker.doneTtl().toSeconds())));
    }

    /** The checkpoints of one attempt: the delivery of {@code entryId} running attempt {@code attempt} of the task. */
    public TaskCheckpoints forAttempt(String entryId, String taskId, int attempt) {
        return new AttemptCheckpoints(this, entryId, taskId, attempt);
    }

    Optional<Checkpoint> read(String taskId) {
        Map<String, String> fields =
                FleetRedis.await(redis.shared().async().hgetall(partition.checkpoint(taskId)), commandWait());
        String data = fields.get("data");
        if (data == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Checkpoint(
                    json.readTree(data),
                    Integer.parseInt(fields.get("attempt")),
                    Instant.ofEpochMilli(Long.parseLong(fields.get("at")))));
        } catch (JsonProcessingException | RuntimeException e) {
            throw new IllegalStateException("checkpoint " + partition.checkpoint(taskId) + " is unreadable", e);
        }
    }

    Checkpoint save(String entryId, String taskId, int attempt, JsonNode data) {
        byte[] encoded = encode(data);
        if (encoded.length > maxBytes) {
            throw new CheckpointTooLargeException(taskId, encoded.length, maxBytes);
        }
        Instant now = clock.instant();
        String key = partition.checkpoint(taskId);
        ScriptCall call = new ScriptCall(
                SAVE,
                List.of(partition.tasks(), key),
                List.of(
                        utf8(StreamKeys.WORKERS_GROUP),
                        utf8(entryId),
                        utf8(consumerName),
                        encoded,
                        utf8(Integer.toString(attempt)),
                        utf8(Long.toString(now.toEpochMilli())),
                        ttlSeconds));
        Long saved = redis.runSync(call, ScriptOutputType.INTEGER);
        if (saved == null || saved == 0) {
            throw new LeaseLostException(taskId, entryId, consumerName);
        }
        awaitReplicas(key);
        return new Checkpoint(data.deepCopy(), attempt, now);
    }

    /** Too few acknowledgements do not fail the save (it is written), as for outcomes; they are logged. */
    private void awaitReplicas(String key) {
        if (redis.waitReplicas() == 0) {
            return;
        }
        Long acks = FleetRedis.await(
                redis.awaitReplicas(key), redis.options().waitTimeout().plus(commandWait()));
        if (acks == null || acks < redis.waitReplicas()) {
            LOG.warn(
                    "checkpoint {} reached {} of {} replicas; it is written, but a failover now could lose it",
                    key,
                    acks,
                    redis.waitReplicas());
        }
    }

    private byte[] encode(JsonNode data) {
        try {
            return json.writeValueAsBytes(data);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("checkpoint is not serialisable JSON: " + e.getOriginalMessage(), e);
        }
    }

    private Duration commandWait() {
        return redis.options().commandTimeout().plusSeconds(1);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
