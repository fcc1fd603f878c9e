package io.agentfleet.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentfleet.messages.InvalidMessageException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FleetClientOptionsTest {

    @Test
    void defaultsPointAtLocalRedis() {
        FleetClientOptions options = FleetClientOptions.defaults();
        assertEquals("127.0.0.1:6379", options.endpoint());
        assertEquals("fleet", options.prefix());
        assertEquals(100_000, options.maxBacklog());
        assertFalse(options.tls());
    }

    @Test
    void uriCarriesUserPasswordDatabaseAndTls() {
        FleetClientOptions options = FleetClientOptions.builder()
                .redisUri("rediss://worker:s%40cret@redis.example:6380/3")
                .build();
        assertTrue(options.tls());
        assertEquals("worker", options.user());
        assertEquals("s@cret", options.password());
        assertEquals(3, options.database());
        assertEquals("redis.example:6380", options.endpoint());
    }

    @Test
    void passwordOnlyUriUsesDefaultUser() {
        FleetClientOptions options =
                FleetClientOptions.builder().redisUri("redis://:secret@host").build();
        assertNull(options.user());
        assertEquals("secret", options.password());
        assertEquals(6379, options.port());
    }

    @Test
    void passwordNeverAppearsInToStringOrErrors() {
        FleetClientOptions options = FleetClientOptions.builder()
                .redisUri("redis://app:topsecret@host:7000")
                .build();
        assertFalse(options.toString().contains("topsecret"), options.toString());
        assertTrue(options.redactedUri().contains("app:***@host:7000"), options.redactedUri());
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> FleetClientOptions.builder()
                        .redisUri("http://app:topsecret@host:7000")
                        .build());
        assertFalse(e.getMessage().contains("topsecret"), e.getMessage());
    }

    @Test
    void badValuesFailAtBuildWithTheValue() {
        assertEquals(
                "maxBacklog must be >= 0 (0 = unbounded), but was -1",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> FleetClientOptions.builder()
                                        .maxBacklog(-1)
                                        .build())
                        .getMessage());
        assertEquals(
                "poolSize must be >= 1, but was 0",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> FleetClientOptions.builder().poolSize(0).build())
                        .getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> FleetClientOptions.builder().doneTimeout(Duration.ZERO).build());
        assertThrows(
                IllegalArgumentException.class,
                () -> FleetClientOptions.builder()
                        .redisUri("redis://host/notadb")
                        .build());
        assertThrows(
                InvalidMessageException.class,
                () -> FleetClientOptions.builder().prefix("bad prefix").build());
    }

    @Test
    void clusterSeedsAndSentinelUrlsAreAcceptedAndRedacted() {
        FleetClientOptions seeds = FleetClientOptions.builder()
                .redisUri("redis://app:topsecret@h1:7000,h2:7001")
                .build();
        assertEquals("h1:7000,h2:7001", seeds.endpoint());
        assertEquals(
                io.agentfleet.messages.RedisTarget.Mode.CLUSTER, seeds.target().mode());
        assertFalse(seeds.toString().contains("topsecret"), seeds.toString());
        FleetClientOptions sentinel = FleetClientOptions.builder()
                .redisUri("redis-sentinel://:data@s1:26379,s2:26380#fleet-primary")
                .sentinelPassword("sentinelsecret")
                .build();
        assertEquals("fleet-primary", sentinel.target().sentinelMaster());
        assertEquals("data", sentinel.password());
        assertFalse(sentinel.toString().contains("sentinelsecret"), sentinel.toString());
        assertFalse(sentinel.toString().contains("data@"), sentinel.toString());
        assertEquals(
                io.agentfleet.messages.RedisTarget.Mode.CLUSTER,
                FleetClientOptions.builder()
                        .redisUri("redis://h1:7000")
                        .redisMode("cluster")
                        .build()
                        .target()
                        .mode());
        assertThrows(
                IllegalArgumentException.class,
                () -> FleetClientOptions.builder().redisMode("ring").build());
    }

    @Test
    void partitionCountsComeFromTheOptionsThenTheEnvironment() {
        FleetClientOptions options = FleetClientOptions.builder()
                .partitions("coder", 4)
                .environment(java.util.Map.of(
                        "FLEET_AGENTS_CODE_REVIEW_PARTITIONS", "3", "FLEET_AGENTS_CODER_PARTITIONS", "9")::get)
                .build();
        assertEquals(4, options.configuredPartitions("coder"), "the option wins over the environment");
        assertEquals(3, options.configuredPartitions("code-review"));
        assertEquals(0, options.configuredPartitions("other"));
        assertThrows(
                InvalidMessageException.class,
                () -> FleetClientOptions.builder().partitions("coder", 0).build());
        assertThrows(
                IllegalArgumentException.class,
                () -> FleetClientOptions.builder()
                        .waitReplicas(-1, Duration.ofSeconds(1))
                        .build());
    }
}
