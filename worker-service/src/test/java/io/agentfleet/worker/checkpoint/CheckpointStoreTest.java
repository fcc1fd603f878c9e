package io.agentfleet.worker.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.lettuce.FleetRedisOptions;
import io.agentfleet.messages.RedisTarget;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.testsupport.RedisExtension;
import io.agentfleet.worker.config.AgentPartition;
import io.agentfleet.worker.config.ConfigBinder;
import io.agentfleet.worker.config.ConfigSource;
import io.agentfleet.worker.config.WorkerConfig;
import io.agentfleet.worker.spi.Checkpoint;
import io.agentfleet.worker.spi.CheckpointTooLargeException;
import io.agentfleet.worker.spi.LeaseLostException;
import io.agentfleet.worker.spi.TaskCheckpoints;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.XClaimParams;
import redis.clients.jedis.params.XReadGroupParams;

/** Checkpoints on a real Redis: saved by the entry's holder only, read back by the next attempt, bounded in size. */
class CheckpointStoreTest {
    private static final String AGENT = "t";
    private static final String TASK_ID = "task-1";
    private static final int MAX_BYTES = 100;
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.create();

    private final AgentPartition partition = new AgentPartition(StreamKeys.DEFAULT, AGENT, 0);

    @Test
    void onlyTheEntrysHolderSavesAndTheNextAttemptReadsTheLastSave() {
        try (UnifiedJedis jedis = redis.client();
                FleetRedis connections =
                        FleetRedis.connect(RedisTarget.parse(redis.uri()), FleetRedisOptions.DEFAULTS)) {
            String entryId = deliverTo(jedis, "worker-a");
            TaskCheckpoints first = store("worker-a", connections).forAttempt(entryId, TASK_ID, 1);
            assertTrue(first.last().isEmpty(), "a first attempt finds no checkpoint");
            first.save(progress(1));
            assertEquals(1, first.last().orElseThrow().data().get("step").asInt(), "a save is seen by its attempt");

            jedis.xclaim(
                    partition.tasks(),
                    StreamKeys.WORKERS_GROUP,
                    "worker-b",
                    0,
                    XClaimParams.xClaimParams(),
                    new StreamEntryID(entryId));
            TaskCheckpoints second = store("worker-b", connections).forAttempt(entryId, TASK_ID, 2);
            Checkpoint found = second.last().orElseThrow();
            assertEquals(1, found.data().get("step").asInt());
            assertEquals(1, found.attempt());
            second.save(progress(5));

            LeaseLostException lost = assertThrows(LeaseLostException.class, () -> first.save(progress(2)));
            assertTrue(lost.getMessage().contains("worker-a"), lost.getMessage());
            String key = partition.checkpoint(TASK_ID);
            assertEquals("{\"step\":5}", jedis.hget(key, "data"), "the stale holder overwrote nothing");
            assertEquals("2", jedis.hget(key, "attempt"));
            assertTrue(jedis.ttl(key) > 0, "a checkpoint expires as a safety net");
        }
    }

    @Test
    void checkpointOverTheBoundIsRefusedAndTheLastOneStands() {
        try (UnifiedJedis jedis = redis.client();
                FleetRedis connections =
                        FleetRedis.connect(RedisTarget.parse(redis.uri()), FleetRedisOptions.DEFAULTS)) {
            String entryId = deliverTo(jedis, "worker-a");
            TaskCheckpoints attempt = store("worker-a", connections).forAttempt(entryId, TASK_ID, 1);
            attempt.save(progress(1));
            ObjectNode big = progress(2).put("pad", "x".repeat(MAX_BYTES));
            CheckpointTooLargeException refused =
                    assertThrows(CheckpointTooLargeException.class, () -> attempt.save(big));
            assertEquals(MAX_BYTES, refused.maxBytes());
            assertTrue(refused.bytes() > MAX_BYTES);
            assertTrue(refused.getMessage().contains(TASK_ID), refused.getMessage());
            assertEquals("{\"step\":1}", jedis.hget(partition.checkpoint(TASK_ID), "data"));
        }
    }

    @Test
    void saveWaitsForTheConfiguredReplicasAndIsKeptWhenTooFewAcknowledge() {
        Duration waitTimeout = Duration.ofMillis(300);
        try (UnifiedJedis jedis = redis.client();
                FleetRedis connections = FleetRedis.connect(
                        RedisTarget.parse(redis.uri()), FleetRedisOptions.DEFAULTS.withWait(1, waitTimeout))) {
            String entryId = deliverTo(jedis, "worker-a");
            long started = System.nanoTime();
            store("worker-a", connections).forAttempt(entryId, TASK_ID, 1).save(progress(1));
            // This Redis has no replica: the save returns after WAIT timed out, and the checkpoint stands.
            assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(waitTimeout) >= 0);
            assertEquals("{\"step\":1}", jedis.hget(partition.checkpoint(TASK_ID), "data"));
        }
    }

    private String deliverTo(UnifiedJedis jedis, String consumer) {
        jedis.xgroupCreate(partition.tasks(), StreamKeys.WORKERS_GROUP, new StreamEntryID(0, 0), true);
        jedis.xadd(partition.tasks(), StreamEntryID.NEW_ENTRY, Map.of("msg", "{}"));
        return jedis.xreadGroup(
                        StreamKeys.WORKERS_GROUP,
                        consumer,
                        XReadGroupParams.xReadGroupParams().count(1),
                        Map.of(partition.tasks(), StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY))
                .getFirst()
                .getValue()
                .getFirst()
                .getID()
                .toString();
    }

    private CheckpointStore store(String consumer, FleetRedis connections) {
        WorkerConfig config = new ConfigBinder(ConfigSource.of(Map.of(
                        "redis.url",
                        redis.uri(),
                        "fleet.agents",
                        AGENT,
                        "fleet.consumer-name",
                        consumer,
                        "fleet.checkpoint.max-bytes",
                        Integer.toString(MAX_BYTES))))
                .bind();
        return new CheckpointStore(config, partition, connections, JSON, Clock.systemUTC());
    }

    private static ObjectNode progress(int step) {
        return JSON.createObjectNode().put("step", step);
    }
}
