package io.agentfleet.orchestrator.hygiene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentfleet.messages.config.ConfigException;
import io.agentfleet.orchestrator.config.ConfigFactory;
import io.micronaut.context.env.PropertySource;
import io.micronaut.context.env.PropertySourcePropertyResolver;
import io.micronaut.core.value.PropertyResolver;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReaperConfigTest {
    private static ReaperConfig read(String... keyValues) {
        Map<String, Object> props = new HashMap<>(Map.of("fleet.api-keys-plain", "t:k"));
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            props.put(keyValues[i], keyValues[i + 1]);
        }
        PropertyResolver resolver = new PropertySourcePropertyResolver(PropertySource.of("test", props));
        return ReaperConfig.read(resolver, ConfigFactory.read(resolver));
    }

    @Test
    void defaultsAreTenMinutesEveryMinuteAndOn() {
        assertEquals(new ReaperConfig(true, Duration.ofMinutes(10), Duration.ofMinutes(1)), read());
    }

    @Test
    void thresholdBelowClaimAfterFailsNamingKeyAndValue() {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> read("fleet.orchestrator.claim-after", "20m", ReaperConfig.IDLE_THRESHOLD, "15m"));
        assertTrue(e.getMessage().startsWith(ReaperConfig.IDLE_THRESHOLD), e.getMessage());
        assertTrue(e.getMessage().contains("'15m'"), e.getMessage());
    }

    @Test
    void badValuesFailNamingTheKey() {
        assertTrue(assertThrows(ConfigException.class, () -> read(ReaperConfig.INTERVAL, "soon"))
                .getMessage()
                .startsWith(ReaperConfig.INTERVAL));
        assertTrue(assertThrows(ConfigException.class, () -> read(ReaperConfig.ENABLED, "maybe"))
                .getMessage()
                .startsWith(ReaperConfig.ENABLED));
        assertTrue(assertThrows(ConfigException.class, () -> read(ReaperConfig.IDLE_THRESHOLD, "1m"))
                .getMessage()
                .contains("2 x " + ReaperConfig.INTERVAL));
    }
}
