package io.agentfleet.orchestrator.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.lettuce.FleetRedisOptions;
import io.agentfleet.messages.RedisTarget;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.testsupport.RedisExtension;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

/** Which agent types are known, and what a flood of unknown names costs Redis, on a real Redis; time is driven. */
class KnownAgentsTest {
    static final StreamKeys KEYS = StreamKeys.DEFAULT;
    static final KnownAgentsConfig CONFIG =
            new KnownAgentsConfig(Set.of("configured"), Duration.ofSeconds(5), Duration.ofSeconds(1), 64);

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.create();

    FleetRedis fleet;
    UnifiedJedis client;
    final AtomicLong nanos = new AtomicLong();
    KnownAgents known;

    @BeforeEach
    void connect() {
        fleet = FleetRedis.connect(RedisTarget.parse(redis.uri()), FleetRedisOptions.DEFAULTS);
        client = redis.client();
        AgentRegistry registry = new AgentRegistry(fleet, KEYS, Map.of());
        known = new KnownAgents(CONFIG, registry::registeredTypes, nanos::get);
    }

    @AfterEach
    void close() {
        fleet.close();
        client.close();
    }

    @Test
    void configuredAndRegisteredTypesAreKnownAndOthersAreNot() {
        client.sadd(KEYS.agents(), "served");
        assertTrue(known.isKnown("configured"));
        assertTrue(known.isKnown("served"));
        assertFalse(known.isKnown("invented"));
        assertEquals(Set.of("configured", "served"), known.all());
    }

    @Test
    void aTypeRegisteredAfterStartIsKnownOnTheNextMissRead() {
        assertFalse(known.isKnown("late"));
        client.sadd(KEYS.agents(), "late");
        nanos.addAndGet(Duration.ofSeconds(1).toNanos());
        assertTrue(known.isKnown("late"));
    }

    @Test
    void aThousandUnknownNamesCostOneRegistryReadPerMissInterval() {
        known.isKnown("configured-warm-up");
        long before = smembersCalls();
        for (int i = 0; i < 1000; i++) {
            assertFalse(known.isKnown("invented-" + i));
        }
        assertEquals(0, smembersCalls() - before, "no fresh read within the miss interval");
        nanos.addAndGet(Duration.ofSeconds(1).toNanos());
        for (int i = 0; i < 1000; i++) {
            assertFalse(known.isKnown("invented-" + i));
        }
        assertEquals(1, smembersCalls() - before);
    }

    @Test
    void theRefusalListsABoundedNumberOfKnownTypes() {
        for (int i = 0; i < 40; i++) {
            client.sadd(KEYS.agents(), "type-" + (100 + i));
        }
        nanos.addAndGet(Duration.ofSeconds(10).toNanos());
        String reason = known.unknownReason("ghost");
        assertTrue(reason.startsWith("unknown agent type 'ghost'; known: configured, type-100, type-101,"), reason);
        assertTrue(reason.endsWith(" and 31 more"), reason);
    }

    private long smembersCalls() {
        for (String line : client.info("commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_smembers:")) {
                return Long.parseLong(line.replaceAll("^cmdstat_smembers:calls=(\\d+),.*", "$1"));
            }
        }
        return 0;
    }
}
