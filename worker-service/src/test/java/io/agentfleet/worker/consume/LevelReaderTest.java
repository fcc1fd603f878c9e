package io.agentfleet.worker.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.agentfleet.messages.StreamKeys;
import io.agentfleet.testsupport.RedisProcess;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.ProtocolVersion;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The reads' own reply decoding ({@link DeliveriesOutput}) on both reply shapes: RESP2 arrays and RESP3 maps. */
class LevelReaderTest {
    private static final String[] STREAMS = {"fleet:{t}:tasks:high", "fleet:{t}:tasks", "fleet:{t}:tasks:low"};

    @Test
    void readsEveryLevelsEntriesOverResp2() {
        readsEveryLevelsEntries(ProtocolVersion.RESP2);
    }

    @Test
    void readsEveryLevelsEntriesOverResp3() {
        readsEveryLevelsEntries(ProtocolVersion.RESP3);
    }

    private static void readsEveryLevelsEntries(ProtocolVersion protocol) {
        try (RedisProcess redis = RedisProcess.start(RedisProcess.Options.defaults())) {
            RedisClient client = RedisClient.create(RedisURI.create(redis.uri()));
            client.setOptions(ClientOptions.builder().protocolVersion(protocol).build());
            try (StatefulRedisConnection<String, byte[]> connection =
                    client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE))) {
                RedisCommands<String, byte[]> commands = connection.sync();
                for (String stream : STREAMS) {
                    commands.xgroupCreate(
                            XReadArgs.StreamOffset.from(stream, "0"),
                            StreamKeys.WORKERS_GROUP,
                            XGroupCreateArgs.Builder.mkstream());
                }
                String high1 = commands.xadd(STREAMS[0], Map.of("msg", utf8("h1")));
                String high2 = commands.xadd(STREAMS[0], Map.of("msg", utf8("h2")));
                // Other fields around msg, and an entry without msg (an invalid task: no body).
                String normal = commands.xadd(STREAMS[1], "taskId", utf8("t-1"), "msg", utf8("n1"), "z", utf8("z"));
                String noBody = commands.xadd(STREAMS[1], Map.of("other", utf8("x")));
                LevelReader reader = new LevelReader(STREAMS, "me", Duration.ofMillis(100));

                // Drained at first, with >= 3 slots: one blocking read over the three streams, COUNT 3 each.
                List<List<Delivery>> byLevel = reader.read(commands, 9);

                assertEquals(List.of(high1, high2), ids(byLevel.get(0)));
                assertEquals("h1", byLevel.get(0).get(0).message());
                assertEquals("h2", byLevel.get(0).get(1).message());
                assertEquals(List.of(normal, noBody), ids(byLevel.get(1)));
                assertEquals("n1", byLevel.get(1).get(0).message());
                assertNull(byLevel.get(1).get(1).body());
                assertEquals(List.of(), byLevel.get(2));

                // Nothing left: the next blocking read times out with empty levels.
                assertEquals(List.of(List.of(), List.of(), List.of()), reader.read(commands, 9));
            } finally {
                client.shutdown();
            }
        }
    }

    private static List<String> ids(List<Delivery> deliveries) {
        return deliveries.stream().map(Delivery::entryId).toList();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
