package io.agentfleet.orchestrator.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.lettuce.FleetRedisOptions;
import io.agentfleet.messages.RedisTarget;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.messages.config.ConfigException;
import io.agentfleet.testsupport.RedisExtension;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

/** Partition counts and the registry as the orchestrator sees them, on a real Redis (either backend). */
class AgentRegistryTest {
    static final StreamKeys KEYS = StreamKeys.DEFAULT;

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.create();

    FleetRedis fleet;
    UnifiedJedis client;

    @BeforeEach
    void connect() {
        fleet = FleetRedis.connect(RedisTarget.parse(redis.uri()), FleetRedisOptions.DEFAULTS);
        client = redis.client();
    }

    @AfterEach
    void close() {
        fleet.close();
        client.close();
    }

    @Test
    void dispatchUsesTheConfiguredCountAndRegistersItRaisingNeverLowering() {
        client.hset(KEYS.config("coder"), StreamKeys.PARTITIONS_FIELD, "5");
        AgentRegistry registry = new AgentRegistry(fleet, KEYS, Map.of(StreamKeys.partitionsVariable("coder"), "3"));

        registry.noteEnqueuing("coder");

        assertEquals(3, registry.forWriting("coder"), "writers use the configured count");
        assertEquals(5, registry.forReading("coder"), "readers read every registered partition");
        assertEquals("5", client.hget(KEYS.config("coder"), StreamKeys.PARTITIONS_FIELD), "never lowered");
        assertTrue(client.sismember(KEYS.agents(), "coder"));
        assertTrue(registry.registeredTypes().contains("coder"));
    }

    @Test
    void anUnconfiguredTypeUsesTheRegisteredCountAndOneWhenNoneIsRegistered() {
        AgentRegistry registry = new AgentRegistry(fleet, KEYS, Map.of());
        assertNull(registry.configured("fresh"));
        assertEquals(1, registry.forWriting("fresh"));
        assertEquals(0, registry.partitionOf("fresh", "R1.t.r0"));

        client.hset(KEYS.config("hot"), StreamKeys.PARTITIONS_FIELD, "4");
        assertEquals(4, registry.forWriting("hot"));
        assertEquals(StreamKeys.partitionFor("R1.t.r0", 4), registry.partitionOf("hot", "R1.t.r0"));
    }

    @Test
    void aBadPartitionCountFailsAtStartNamingTheVariable() {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> new AgentRegistry(fleet, KEYS, Map.of("FLEET_AGENTS_CODER_PARTITIONS", "0")));
        assertTrue(e.getMessage().contains("FLEET_AGENTS_CODER_PARTITIONS"), e.getMessage());
        assertTrue(e.getMessage().contains("'0'"), e.getMessage());
    }
}
