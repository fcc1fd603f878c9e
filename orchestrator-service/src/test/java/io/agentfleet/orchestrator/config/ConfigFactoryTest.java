package io.agentfleet.orchestrator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.agentfleet.messages.config.ConfigException;
import io.micronaut.context.env.PropertySource;
import io.micronaut.context.env.PropertySourcePropertyResolver;
import io.micronaut.core.value.PropertyResolver;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigFactoryTest {
    private static PropertyResolver props(String key, String value) {
        Map<String, Object> all = new HashMap<>(Map.of(ConfigKeys.API_KEYS_PLAIN, "ops:o1"));
        all.put(key, value);
        return new PropertySourcePropertyResolver(PropertySource.of("test", all));
    }

    @Test
    void maxBacklogIsALongNotCappedAtIntegerMax() {
        assertEquals(
                3_000_000_000L,
                ConfigFactory.read(props(ConfigKeys.MAX_BACKLOG, "3000000000"))
                        .workflow()
                        .maxBacklog());
    }

    @Test
    void anIntSettingAboveIntegerMaxSaysItIsTooLarge() {
        ConfigException e = assertThrows(
                ConfigException.class, () -> ConfigFactory.read(props(ConfigKeys.MAX_TASKS, "3000000000")));
        assertEquals("fleet.orchestrator.max-tasks must be <= 2147483647, but was 3000000000", e.getMessage());
        assertEquals(ConfigKeys.MAX_TASKS, e.key());
    }

    @Test
    void shutdownGraceDefaultsToThirtySecondsAndIsValidated() {
        ConfigFactory factory = new ConfigFactory();
        assertEquals(
                Duration.ofSeconds(30),
                factory.shutdownConfig(props("unrelated", "x")).grace());
        assertEquals(
                Duration.ofSeconds(25),
                factory.shutdownConfig(props(ConfigKeys.SHUTDOWN_GRACE, "25s")).grace());
        assertEquals(
                Duration.ZERO,
                factory.shutdownConfig(props(ConfigKeys.SHUTDOWN_GRACE, "0s")).grace());
        ConfigException e = assertThrows(
                ConfigException.class, () -> factory.shutdownConfig(props(ConfigKeys.SHUTDOWN_GRACE, "soon")));
        assertEquals(ConfigKeys.SHUTDOWN_GRACE, e.key());
        assertEquals(
                "fleet.shutdown-grace must be a duration such as 500ms, 30s, 5m, 2h, 1d or PT30S, but was 'soon'",
                e.getMessage());
    }
}
