package io.agentfleet.lettuce.hygiene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.lettuce.FleetRedisOptions;
import io.agentfleet.messages.RedisTarget;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.testsupport.Await;
import io.agentfleet.testsupport.RedisExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.XAutoClaimParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamConsumerInfo;

/** The reaper against a real Redis: what it removes, what it keeps, and many reapers at once. */
class ConsumerReaperTest {
    @RegisterExtension
    static final RedisExtension redis = RedisExtension.create();

    private static final StreamKeys KEYS = StreamKeys.DEFAULT;
    private static final String AGENT = "reaped";
    private static final Duration SHORT = Duration.ofMillis(300);

    private FleetRedis fleet;
    private UnifiedJedis jedis;
    private String tasks;

    @BeforeEach
    void connect() {
        fleet = FleetRedis.connect(RedisTarget.parse(redis.uri()), FleetRedisOptions.DEFAULTS);
        jedis = redis.client();
        tasks = KEYS.tasks(AGENT);
        jedis.xgroupCreate(tasks, StreamKeys.WORKERS_GROUP, new StreamEntryID(0, 0), true);
    }

    @AfterEach
    void close() {
        jedis.close();
        fleet.close();
    }

    @Test
    void idleConsumerWithNothingPendingIsRemovedAndOneWithPendingEntriesIsKept() throws Exception {
        read("empty-handed", 0);
        jedis.xadd(tasks, StreamEntryID.NEW_ENTRY, Map.of(StreamKeys.MESSAGE_FIELD, "{}"));
        read("holder", 1);
        Thread.sleep(SHORT.toMillis() + 100);

        GroupCensus census = new ConsumerReaper(fleet, SHORT).pass(ConsumerGroup.workers(KEYS, AGENT, 0), null, true);

        assertEquals(Set.of("holder"), consumers());
        assertEquals(new GroupCensus(ConsumerGroup.workers(KEYS, AGENT, 0), 1, 0, 1, 1), census);
        assertEquals(1, jedis.xpending(tasks, StreamKeys.WORKERS_GROUP).getTotal(), "the pending entry is still there");
    }

    @Test
    void consumerIdleBelowTheThresholdIsLiveAndKept() throws Exception {
        read("recent", 0);

        GroupCensus census = new ConsumerReaper(fleet, Duration.ofMinutes(10))
                .pass(ConsumerGroup.workers(KEYS, AGENT, 0), null, true);

        assertEquals(Set.of("recent"), consumers());
        assertEquals(1, census.live());
        assertEquals(0, census.reaped());
    }

    @Test
    void heartbeatKeepsAConsumerThatReadsNothingLive() throws Exception {
        read("waiting-for-work", 0);
        ConsumerReaper reaper = new ConsumerReaper(fleet, SHORT);
        ConsumerGroup group = ConsumerGroup.workers(KEYS, AGENT, 0);
        reaper.pass(group, "waiting-for-work", true);
        Thread.sleep(SHORT.toMillis() + 100);

        GroupCensus census = reaper.pass(group, "waiting-for-work", true);

        assertEquals(Set.of("waiting-for-work"), consumers());
        assertEquals(1, census.live());
        assertTrue(jedis.hexists(group.seen(), "waiting-for-work"));
    }

    @Test
    void staleHeartbeatOfAConsumerThatLeftIsDropped() throws Exception {
        ConsumerReaper reaper = new ConsumerReaper(fleet, SHORT);
        ConsumerGroup group = ConsumerGroup.workers(KEYS, AGENT, 0);
        reaper.pass(group, "left-gracefully", true);
        assertTrue(jedis.hexists(group.seen(), "left-gracefully"));
        Thread.sleep(SHORT.toMillis() + 100);

        reaper.pass(group, null, true);

        assertTrue(!jedis.hexists(group.seen(), "left-gracefully"));
    }

    @Test
    void countingOnlyRemovesNothing() throws Exception {
        read("ghost", 0);
        Thread.sleep(SHORT.toMillis() + 100);

        GroupCensus census = new ConsumerReaper(fleet, SHORT).pass(ConsumerGroup.workers(KEYS, AGENT, 0), null, false);

        assertEquals(new GroupCensus(ConsumerGroup.workers(KEYS, AGENT, 0), 1, 0, 0, 0), census);
        assertEquals(Set.of("ghost"), consumers());
    }

    @Test
    void missingStreamOrGroupIsNothingToReap() throws Exception {
        ConsumerReaper reaper = new ConsumerReaper(fleet, SHORT);

        assertEquals(
                0,
                reaper.pass(ConsumerGroup.workers(KEYS, "never-used", 0), null, true)
                        .consumers());
        assertEquals(
                0,
                reaper.pass(ConsumerGroup.orchestrators(KEYS, AGENT, 0), null, true)
                        .consumers());
    }

    @Test
    void manyReapersAtOnceRemoveEachGhostOnceAndKeepEveryPendingEntry() throws Exception {
        for (int i = 0; i < 20; i++) {
            jedis.xadd(tasks, StreamEntryID.NEW_ENTRY, Map.of(StreamKeys.MESSAGE_FIELD, "{}"));
        }
        for (int i = 0; i < 40; i++) {
            read("ghost-" + i, i < 20 ? 1 : 0);
        }
        Thread.sleep(SHORT.toMillis() + 100);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<GroupCensus>> reapers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                reapers.add(
                        () -> new ConsumerReaper(fleet, SHORT).pass(ConsumerGroup.workers(KEYS, AGENT, 0), null, true));
            }
            int reaped = 0;
            for (Future<GroupCensus> f : pool.invokeAll(reapers)) {
                reaped += f.get().reaped();
            }
            assertEquals(20, reaped, "each ghost removed by exactly one reaper");
        } finally {
            pool.shutdownNow();
        }
        Set<String> left = consumers();
        assertEquals(20, left.size(), left.toString());
        assertTrue(left.stream().allMatch(n -> Integer.parseInt(n.substring("ghost-".length())) < 20), left::toString);
        assertEquals(20, jedis.xpending(tasks, StreamKeys.WORKERS_GROUP).getTotal());
    }

    @Test
    void ghostIsRemovedOnceTheReclaimPathHasTakenItsEntries() throws Exception {
        jedis.xadd(tasks, StreamEntryID.NEW_ENTRY, Map.of(StreamKeys.MESSAGE_FIELD, "{}"));
        read("crashed", 1);
        Thread.sleep(SHORT.toMillis() + 100);
        ConsumerReaper reaper = new ConsumerReaper(fleet, SHORT);
        assertEquals(
                1,
                reaper.pass(ConsumerGroup.workers(KEYS, AGENT, 0), null, true).waitingForReclaim());

        jedis.xautoclaim(
                tasks,
                StreamKeys.WORKERS_GROUP,
                "survivor",
                SHORT.toMillis(),
                new StreamEntryID(0, 0),
                new XAutoClaimParams().count(10));
        Await.until(
                Duration.ofSeconds(10),
                () -> {
                    try {
                        reaper.pass(ConsumerGroup.workers(KEYS, AGENT, 0), null, true);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    return consumers().equals(Set.of("survivor"));
                },
                "the crashed consumer removed once its entry was reclaimed");
        assertEquals(1, jedis.xpending(tasks, StreamKeys.WORKERS_GROUP).getTotal());
    }

    private void read(String consumer, int count) {
        if (count == 0) {
            jedis.xgroupCreateConsumer(tasks, StreamKeys.WORKERS_GROUP, consumer);
            return;
        }
        jedis.xreadGroup(
                StreamKeys.WORKERS_GROUP,
                consumer,
                XReadGroupParams.xReadGroupParams().count(count),
                Map.of(tasks, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
    }

    private Set<String> consumers() {
        Set<String> names = new TreeSet<>();
        for (StreamConsumerInfo c : jedis.xinfoConsumers2(tasks, StreamKeys.WORKERS_GROUP)) {
            names.add(c.getName());
        }
        return names;
    }
}
