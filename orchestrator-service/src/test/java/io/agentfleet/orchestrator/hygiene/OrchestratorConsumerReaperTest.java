package io.agentfleet.orchestrator.hygiene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentfleet.messages.StreamKeys;
import io.agentfleet.orchestrator.support.Orchestrators;
import io.agentfleet.orchestrator.support.Orchestrators.Orchestrator;
import io.agentfleet.orchestrator.workflow.store.OrchestratorKeys;
import io.agentfleet.testsupport.Await;
import io.agentfleet.testsupport.RedisExtension;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamConsumerInfo;

/** A real orchestrator process removes ghost consumers of the orchestrators and workers groups and stays itself. */
class OrchestratorConsumerReaperTest {
    @RegisterExtension
    static final RedisExtension redis = RedisExtension.create();

    private static final StreamKeys KEYS = StreamKeys.DEFAULT;
    private static final String AGENT = "ghosted";
    private static final Duration THRESHOLD = Duration.ofSeconds(3);

    @Test
    void ghostsOfBothGroupsAreRemovedOnceTheirEntriesAreReclaimedAndTheIdleOrchestratorStays() {
        String results = KEYS.results(AGENT);
        String tasks = KEYS.tasks(AGENT);
        try (UnifiedJedis jedis = redis.client()) {
            jedis.sadd(KEYS.agents(), AGENT);
            // A type runs have used: every replica reads its result stream.
            jedis.sadd(new OrchestratorKeys(KEYS).agents(), AGENT);
            jedis.xgroupCreate(results, StreamKeys.ORCHESTRATORS_GROUP, new StreamEntryID(0, 0), true);
            jedis.xadd(results, StreamEntryID.NEW_ENTRY, Map.of(StreamKeys.MESSAGE_FIELD, "{\"not\":\"an outcome\"}"));
            // A replica that read an outcome and died before acknowledging it.
            jedis.xreadGroup(
                    StreamKeys.ORCHESTRATORS_GROUP,
                    "dead-replica",
                    XReadGroupParams.xReadGroupParams().count(1),
                    Map.of(results, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
            jedis.xgroupCreate(tasks, StreamKeys.WORKERS_GROUP, new StreamEntryID(0, 0), true);
            jedis.xgroupCreateConsumer(tasks, StreamKeys.WORKERS_GROUP, "dead-worker");
            assertEquals(
                    1, jedis.xpending(results, StreamKeys.ORCHESTRATORS_GROUP).getTotal());

            Map<String, String> props = new LinkedHashMap<>(Orchestrators.fastRecovery());
            props.put("fleet.orchestrator.consumer-name", "orch-1");
            props.put(ReaperConfig.IDLE_THRESHOLD, THRESHOLD.toMillis() + "ms");
            props.put(ReaperConfig.INTERVAL, "500ms");
            try (Orchestrator orchestrator = Orchestrators.orchestrator(redis.uri(), props)) {
                Await.until(
                        Duration.ofSeconds(60),
                        () -> consumers(jedis, results, StreamKeys.ORCHESTRATORS_GROUP)
                                        .equals(Set.of("orch-1"))
                                && consumers(jedis, tasks, StreamKeys.WORKERS_GROUP)
                                        .isEmpty(),
                        "only the live orchestrator left in the groups");
                assertEquals(
                        0,
                        jedis.xpending(results, StreamKeys.ORCHESTRATORS_GROUP).getTotal());

                // Idle: no outcome arrives, so only its heartbeat shows it alive (Redis < 7.2 keeps its idle growing).
                sleep(THRESHOLD.multipliedBy(2));
                assertEquals(Set.of("orch-1"), consumers(jedis, results, StreamKeys.ORCHESTRATORS_GROUP));

                Await.until(
                        Duration.ofSeconds(30),
                        () -> {
                            String metrics = orchestrator.prometheus();
                            return metrics.contains(
                                            "fleet_consumers_live{agent=\"ghosted\",group=\"orchestrators\",partition=\"0\"} 1.0")
                                    && metrics.contains(
                                            "fleet_consumers{agent=\"ghosted\",group=\"workers\",partition=\"0\"} 0.0")
                                    && metrics.contains(
                                            "fleet_consumers_reaped_total{agent=\"ghosted\",group=\"workers\",partition=\"0\"} 1.0");
                        },
                        "the consumer gauges");
                assertTrue(orchestrator.process().logText().contains("removed 1 ghost consumer(s)"));
            }
        }
    }

    private static Set<String> consumers(UnifiedJedis jedis, String stream, String group) {
        Set<String> names = new TreeSet<>();
        for (StreamConsumerInfo c : jedis.xinfoConsumers2(stream, group)) {
            names.add(c.getName());
        }
        return names;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
