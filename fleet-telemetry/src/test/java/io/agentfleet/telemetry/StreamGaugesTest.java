package io.agentfleet.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentfleet.messages.StreamKeys;
import io.agentfleet.testsupport.RedisExtension;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XReadGroupParams;

class StreamGaugesTest {
    @RegisterExtension
    static final RedisExtension redis = RedisExtension.create();

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void samplesLengthLagPendingDelayedAndDeadLettersAndReportsUnknownLagAsNaN() throws Exception {
        StreamKeys keys = StreamKeys.DEFAULT;
        String tasks = keys.tasks("coder");
        try (Jedis jedis = redis.jedis();
                RedisClient client = RedisClient.create(redis.uri());
                StatefulRedisConnection<String, String> connection = client.connect()) {
            StreamGauges gauges = new StreamGauges(registry, keys, connection::async);
            assertTrue(Double.isNaN(gauges.of("coder").length()), "unknown before the first sample");

            for (int i = 0; i < 4; i++) {
                jedis.xadd(tasks, StreamEntryID.NEW_ENTRY, Map.of("msg", "{}"));
            }
            gauges.sample(List.of("coder"));
            assertEquals(4.0, gauges.of("coder").length());
            assertEquals(4.0, gauges.of("coder").lag(), "no group yet: every entry waits");
            assertEquals(0.0, gauges.of("coder").pending());

            jedis.xgroupCreate(tasks, StreamKeys.WORKERS_GROUP, new StreamEntryID(0, 0), false);
            jedis.xreadGroup(
                    StreamKeys.WORKERS_GROUP,
                    "w1",
                    XReadGroupParams.xReadGroupParams().count(1),
                    Map.of(tasks, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
            jedis.zadd(keys.delayed("coder"), 1, "retry");
            jedis.xadd(keys.dead("coder"), StreamEntryID.NEW_ENTRY, Map.of("msg", "{}"));
            gauges.sample(List.of("coder"));
            StreamGauges.Sample s = gauges.of("coder");
            assertEquals(4.0, s.length());
            boolean redis7 = jedis.info("server").lines().anyMatch(l -> l.matches("redis_version:([7-9]|\\d\\d)\\..*"));
            if (redis7) {
                assertEquals(3.0, s.lag());
            } else {
                assertTrue(Double.isNaN(s.lag()), "Redis before 7 reports no lag: unknown");
            }
            assertEquals(1.0, s.pending());
            assertEquals(1.0, s.delayed());
            assertEquals(1.0, s.dead());
            assertEquals(
                    1.0,
                    registry.get("fleet.dead.letters.stored")
                            .tag("agent", "coder")
                            .gauge()
                            .value());

            // Deleting an entry not yet delivered leaves Redis unable to tell the lag: reported as NaN, not 0.
            String last = jedis.xrevrange(tasks, "+", "-", 1).get(0).getID().toString();
            jedis.xdel(tasks, new StreamEntryID(last));
            gauges.sample(List.of("coder"));
            assertTrue(
                    Double.isNaN(gauges.of("coder").lag()),
                    "lag " + gauges.of("coder").lag());
            assertEquals(3.0, gauges.of("coder").length());
        }
    }
}
