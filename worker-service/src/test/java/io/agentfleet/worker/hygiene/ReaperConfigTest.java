package io.agentfleet.worker.hygiene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentfleet.messages.config.ConfigException;
import io.agentfleet.worker.config.ConfigBinder;
import io.agentfleet.worker.config.ConfigSource;
import io.agentfleet.worker.config.WorkerConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReaperConfigTest {
    private static final Map<String, String> WORKER =
            Map.of("fleet.agents", "coder,slow", "fleet.agents.slow.claim-after", "2m");

    private static ReaperConfig bind(String... keyValues) {
        Map<String, String> values = new HashMap<>(WORKER);
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            values.put(keyValues[i], keyValues[i + 1]);
        }
        ConfigSource source = ConfigSource.of(values);
        WorkerConfig worker = new ConfigBinder(source).bind();
        return ReaperConfig.bind(source, worker);
    }

    @Test
    void defaultsAreTenMinutesEveryMinuteAndOn() {
        assertEquals(new ReaperConfig(true, Duration.ofMinutes(10), Duration.ofMinutes(1)), bind());
    }

    @Test
    void thresholdBelowTheLongestClaimAfterFailsNamingKeyValueAndAgentType() {
        ConfigException e = assertThrows(ConfigException.class, () -> bind(ReaperConfig.IDLE_THRESHOLD, "90s"));
        assertEquals(ReaperConfig.IDLE_THRESHOLD, e.key());
        assertTrue(e.getMessage().contains("'90s'") && e.getMessage().contains("agent type slow"), e.getMessage());
    }

    @Test
    void thresholdBelowTwoIntervalsFails() {
        ConfigException e = assertThrows(
                ConfigException.class, () -> bind(ReaperConfig.IDLE_THRESHOLD, "3m", ReaperConfig.INTERVAL, "2m"));
        assertTrue(e.getMessage().contains("2 x " + ReaperConfig.INTERVAL), e.getMessage());
    }

    @Test
    void badValuesFailNamingTheKey() {
        assertEquals(
                ReaperConfig.INTERVAL,
                assertThrows(ConfigException.class, () -> bind(ReaperConfig.INTERVAL, "soon"))
                        .key());
        assertEquals(
                ReaperConfig.INTERVAL,
                assertThrows(ConfigException.class, () -> bind(ReaperConfig.INTERVAL, "10ms"))
                        .key());
        assertEquals(
                ReaperConfig.ENABLED,
                assertThrows(ConfigException.class, () -> bind(ReaperConfig.ENABLED, "maybe"))
                        .key());
    }

    @Test
    void reapingCanBeTurnedOff() {
        assertEquals(false, bind(ReaperConfig.ENABLED, "false").enabled());
    }
}
