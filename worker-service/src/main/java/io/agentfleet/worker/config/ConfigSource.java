package io.agentfleet.worker.config;

import java.util.Map;
import java.util.Optional;

/** Where configuration values come from: Micronaut's environment in production, a map in unit tests. */
@FunctionalInterface
public interface ConfigSource {

    /** The raw value of a property such as {@code fleet.agents.coder.lease}, if set and not blank. */
    Optional<String> get(String key);

    static ConfigSource of(Map<String, String> values) {
        return key -> Optional.ofNullable(values.get(key)).filter(v -> !v.isBlank());
    }
}
