package io.agentfleet.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentfleet.messages.StreamKeys;
import io.agentfleet.orchestrator.support.Orchestrators;
import io.agentfleet.testsupport.Await;
import io.agentfleet.testsupport.RedisExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The result readers' Redis connections are bounded by the known types, not one per type: a real orchestrator reading
 * the results streams of 70 agent types in use holds ceil(70 / 64) = 2 blocking reader connections (docs/operations.md,
 * "Result readers and their Redis connections").
 */
class ResultReaderConnectionsTest {
    static final StreamKeys KEYS = StreamKeys.DEFAULT;
    static final int TYPES = 70;
    static final int STREAMS_PER_READER = 64;

    /** Its own single node: the count is of all clients, and a shared REDIS_URL or a Cluster would change it. */
    @RegisterExtension
    static final RedisExtension redis = RedisExtension.owned();

    @Test
    void seventyTypesInUseAreReadOverTwoBlockingConnections() {
        List<String> types = new ArrayList<>();
        for (int i = 0; i < TYPES; i++) {
            types.add("conn-%02d".formatted(i));
        }
        try (Jedis probe = redis.jedis()) {
            // As replicas record the types their runs dispatched to: each replica reads these types' results.
            probe.sadd(KEYS.prefix() + ":orchestrator:agents", types.toArray(String[]::new));
            Map<String, String> props = Orchestrators.fastRecovery();
            props.put("fleet.orchestrator.allowed-agents", String.join(",", types));
            try (Orchestrators.Orchestrator ignored = Orchestrators.orchestrator(redis.uri(), props)) {
                long expected = (TYPES + STREAMS_PER_READER - 1) / STREAMS_PER_READER;
                Await.until(
                        Duration.ofSeconds(90),
                        () -> types.stream().allMatch(t -> hasGroup(probe, t)) && blockingReaders(probe) >= expected,
                        "the orchestrators group on every one of the " + TYPES + " results streams, and its readers");
                // Readers that opened a connection per stream would pass the expected count on their way up.
                sleep(Duration.ofSeconds(3));

                assertEquals(
                        expected,
                        blockingReaders(probe),
                        "connections whose last command is XREADGROUP:\n" + probe.clientList());
            }
        }
    }

    private static boolean hasGroup(Jedis probe, String type) {
        try {
            return probe.xinfoGroups(KEYS.results(type)).stream()
                    .anyMatch(g -> g.getName().equals(StreamKeys.ORCHESTRATORS_GROUP));
        } catch (JedisDataException noStreamYet) {
            return false;
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** No worker runs here, so the only XREADGROUP callers are the orchestrator's result readers. */
    private static long blockingReaders(Jedis probe) {
        return probe.clientList()
                .lines()
                .filter(line -> line.contains(" cmd=xreadgroup"))
                .count();
    }
}
