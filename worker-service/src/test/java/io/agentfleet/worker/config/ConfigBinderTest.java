package io.agentfleet.worker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentfleet.messages.config.ConfigException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConfigBinderTest {

    private static WorkerConfig bind(Map<String, String> values) {
        return new ConfigBinder(ConfigSource.of(values)).bind();
    }

    private static Map<String, String> with(String... kv) {
        Map<String, String> map = new HashMap<>();
        map.put("fleet.agents", "coder");
        for (int i = 0; i < kv.length; i += 2) {
            map.put(kv[i], kv[i + 1]);
        }
        return map;
    }

    @Test
    void defaultsApplyWhenNothingIsSet() {
        WorkerConfig config = bind(with());
        AgentConfig coder = config.agents().get(0);
        assertEquals("coder", coder.agentType());
        assertEquals("coder", coder.handlerKind());
        assertEquals(AgentConfig.DEFAULT_MAX_IN_FLIGHT, coder.maxInFlight());
        assertEquals(AgentConfig.DEFAULT_LEASE, coder.lease());
        assertEquals(AgentConfig.DEFAULT_CLAIM_AFTER, coder.claimAfter());
        assertEquals(AgentConfig.DEFAULT_MAX_ATTEMPTS, coder.maxAttempts());
        assertTrue(coder.maxBacklog().isEmpty());
        assertEquals(WorkerConfig.DEFAULT_SHUTDOWN_GRACE, config.shutdownGrace());
        assertEquals(RedisSettings.DEFAULT_URL, config.redis().url());
        assertEquals("fleet", config.keys().prefix());
        assertEquals(WorkerConfig.DEFAULT_CHECKPOINT_MAX_BYTES, config.checkpointMaxBytes());
    }

    @Test
    void perAgentValuesWinOverFleetDefaults() {
        WorkerConfig config = bind(with(
                "fleet.agents",
                "coder, reviewer",
                "fleet.defaults.max-in-flight",
                "10",
                "fleet.agents.coder.max-in-flight",
                "3",
                "fleet.agents.reviewer.claim-after",
                "PT45S",
                "fleet.agents.reviewer.lease",
                "15s",
                "fleet.agents.coder.max-backlog",
                "5000",
                "fleet.agents.coder.handler",
                "llm",
                "fleet.shutdown-grace",
                "2m",
                "pod.name",
                "worker-7"));
        AgentConfig coder = config.agents().get(0);
        AgentConfig reviewer = config.agents().get(1);
        assertEquals(3, coder.maxInFlight());
        assertEquals(10, reviewer.maxInFlight());
        assertEquals(Duration.ofSeconds(45), reviewer.claimAfter());
        assertEquals(Duration.ofSeconds(5), reviewer.renewEvery());
        assertEquals(5000, coder.maxBacklog().getAsLong());
        assertEquals("llm", coder.handlerKind());
        assertEquals(Duration.ofMinutes(2), config.shutdownGrace());
        assertEquals("worker-7", config.consumerName());
    }

    @Test
    void badValueFailsNamingKeyAndValue() {
        ConfigException e =
                assertThrows(ConfigException.class, () -> bind(with("fleet.agents.coder.max-in-flight", "0")));
        assertTrue(e.getMessage().contains("fleet.agents.coder.max-in-flight must be >= 1, but was 0"), e.getMessage());
        assertTrue(e.getMessage().contains(">= 1"), e.getMessage());

        e = assertThrows(ConfigException.class, () -> bind(with("fleet.agents.coder.lease", "ten seconds")));
        assertTrue(e.getMessage().contains("fleet.agents.coder.lease must be a duration"), e.getMessage());

        e = assertThrows(ConfigException.class, () -> bind(with("fleet.defaults.max-attempts", "-2")));
        assertTrue(e.getMessage().contains("fleet.defaults.max-attempts must be >= 1, but was -2"), e.getMessage());

        e = assertThrows(ConfigException.class, () -> bind(with("fleet.shutdown-grace", "5 parsecs")));
        assertTrue(e.getMessage().contains("fleet.shutdown-grace must be a duration"), e.getMessage());

        e = assertThrows(ConfigException.class, () -> bind(with("fleet.checkpoint.max-bytes", "0")));
        assertTrue(e.getMessage().contains("fleet.checkpoint.max-bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("but was 0"), e.getMessage());
    }

    @Test
    void leaseLongerThanClaimAfterIsRejected() {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> bind(with("fleet.agents.coder.lease", "40s", "fleet.agents.coder.claim-after", "20s")));
        assertTrue(
                e.getMessage().contains("fleet.agents.coder.lease must be <= fleet.agents.coder.claim-after"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("but was '40s'"), e.getMessage());
    }

    @Test
    void backoffMaxBelowBaseIsRejected() {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> bind(with("fleet.agents.coder.backoff-base", "10s", "fleet.agents.coder.backoff-max", "1s")));
        assertTrue(
                e.getMessage().contains("fleet.agents.coder.backoff-max must be >= fleet.agents.coder.backoff-base"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("but was '1s'"), e.getMessage());
    }

    @Test
    void agentListIsRequiredAndValidated() {
        ConfigException missing = assertThrows(ConfigException.class, () -> bind(Map.of()));
        assertTrue(missing.getMessage().contains("fleet.agents"), missing.getMessage());
        ConfigException bad = assertThrows(ConfigException.class, () -> bind(with("fleet.agents", "coder,Bad Name")));
        assertTrue(bad.getMessage().contains("fleet.agents must list agent types"), bad.getMessage());
        assertTrue(bad.getMessage().contains("'coder,Bad Name'"), bad.getMessage());
        ConfigException twice = assertThrows(ConfigException.class, () -> bind(with("fleet.agents", "coder,coder")));
        assertTrue(twice.getMessage().contains("twice"), twice.getMessage());
    }

    @Test
    void redisUrlIsValidatedAndItsPasswordNeverShown() {
        ConfigException e =
                assertThrows(ConfigException.class, () -> bind(with("redis.url", "http://user:s3cret@host:6379")));
        assertTrue(e.getMessage().contains("redis.url"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
        WorkerConfig config = bind(with("redis.url", "rediss://app:s3cret@redis.example:6380/2"));
        assertEquals("rediss://app:***@redis.example:6380/2", config.redis().redacted());
        assertFalse(config.redis().toString().contains("s3cret"));
    }

    @Test
    void environmentVariablesAreReadByTheirUpperCaseNames() {
        Map<String, String> env = Map.of("FLEET_AGENTS", "my_agent", "FLEET_AGENTS_MY_AGENT_MAX_IN_FLIGHT", "7");
        WorkerConfig config = new ConfigBinder(ConfigBinder.withEnvFallback(key -> Optional.empty(), env::get)).bind();
        assertEquals(7, config.agents().get(0).maxInFlight());
    }

    @Test
    void redisModeWaitAndPartitionsAreReadAndCheckedNamingTheirKeys() {
        WorkerConfig defaults = bind(with());
        assertEquals(
                io.agentfleet.messages.RedisTarget.Mode.AUTO,
                defaults.redis().target().mode());
        assertEquals(0, defaults.redis().waitReplicas());
        assertEquals(RedisSettings.DEFAULT_WAIT_TIMEOUT, defaults.redis().waitTimeout());
        assertEquals(AgentConfig.DEFAULT_PARTITIONS, defaults.agents().get(0).partitions());

        Map<String, String> env = Map.of(
                "FLEET_AGENTS",
                "coder,hot-type",
                "REDIS_URL",
                "redis://a:7000,b:7001",
                "FLEET_REDIS_WAIT_REPLICAS",
                "1",
                "FLEET_REDIS_WAIT_TIMEOUT",
                "250ms",
                "FLEET_AGENTS_HOT_TYPE_PARTITIONS",
                "3");
        WorkerConfig config = new ConfigBinder(ConfigBinder.withEnvFallback(key -> Optional.empty(), env::get)).bind();
        assertEquals(
                io.agentfleet.messages.RedisTarget.Mode.CLUSTER,
                config.redis().target().mode());
        assertEquals(1, config.redis().waitReplicas());
        assertEquals(Duration.ofMillis(250), config.redis().waitTimeout());
        assertEquals(1, config.agents().get(0).partitions());
        assertEquals(3, config.agents().get(1).partitions());

        assertEquals(
                io.agentfleet.messages.RedisTarget.Mode.STANDALONE,
                bind(with("fleet.redis.mode", "standalone")).redis().target().mode());
        ConfigException mode = assertThrows(ConfigException.class, () -> bind(with("fleet.redis.mode", "galaxy")));
        assertTrue(
                mode.getMessage()
                        .contains("fleet.redis.mode must be standalone, cluster or sentinel, but was 'galaxy'"),
                mode.getMessage());
        ConfigException replicas =
                assertThrows(ConfigException.class, () -> bind(with("fleet.redis.wait-replicas", "-1")));
        assertTrue(replicas.getMessage().contains("fleet.redis.wait-replicas"), replicas.getMessage());
        ConfigException partitions =
                assertThrows(ConfigException.class, () -> bind(with("fleet.agents.coder.partitions", "0")));
        assertTrue(
                partitions.getMessage().contains("fleet.agents.coder.partitions must be >= 1, but was 0"),
                partitions.getMessage());
        ConfigException tooMany =
                assertThrows(ConfigException.class, () -> bind(with("fleet.agents.coder.partitions", "65")));
        assertTrue(tooMany.getMessage().contains("<= 64"), tooMany.getMessage());
        ConfigException sentinel =
                assertThrows(ConfigException.class, () -> bind(with("redis.url", "redis-sentinel://u:s3cret@h:26379")));
        assertTrue(sentinel.getMessage().contains("redis.url"), sentinel.getMessage());
        assertFalse(sentinel.getMessage().contains("s3cret"), sentinel.getMessage());
    }
}
