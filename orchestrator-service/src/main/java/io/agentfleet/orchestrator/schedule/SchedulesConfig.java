package io.agentfleet.orchestrator.schedule;

import io.agentfleet.messages.config.ConfigValues;
import io.agentfleet.orchestrator.config.ConfigFactory;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.core.value.PropertyResolver;
import java.time.Duration;
import java.util.Objects;

/**
 * How recurring schedules run ({@code fleet.schedules.*}, or {@code FLEET_SCHEDULES_*}).
 *
 * @param tickInterval how often each replica looks for due ticks (a tick starts at most this late)
 * @param maxPerTenant most schedules one tenant may have
 * @param missedAfter a tick later than this was missed (every replica was down): its schedule's {@code missedTicks}
 *     policy applies
 */
public record SchedulesConfig(Duration tickInterval, int maxPerTenant, Duration missedAfter) {
    public static final String TICK_INTERVAL = "fleet.schedules.tick-interval";
    public static final String MAX_PER_TENANT = "fleet.schedules.max-per-tenant";
    public static final String MISSED_AFTER = "fleet.schedules.missed-after";

    public static final Duration DEFAULT_TICK_INTERVAL = Duration.ofMillis(250);
    public static final int DEFAULT_MAX_PER_TENANT = 100;
    public static final Duration DEFAULT_MISSED_AFTER = Duration.ofSeconds(15);

    public SchedulesConfig {
        Objects.requireNonNull(tickInterval, "tickInterval");
        Objects.requireNonNull(missedAfter, "missedAfter");
        if (maxPerTenant < 1) {
            throw new IllegalArgumentException("maxPerTenant must be >= 1, but was " + maxPerTenant);
        }
    }

    static SchedulesConfig read(ConfigValues r) {
        return new SchedulesConfig(
                r.positiveDuration(TICK_INTERVAL, DEFAULT_TICK_INTERVAL),
                r.intAtLeast(MAX_PER_TENANT, DEFAULT_MAX_PER_TENANT, 1),
                r.positiveDuration(MISSED_AFTER, DEFAULT_MISSED_AFTER));
    }

    /** Reads the configuration at start-up, so a bad value stops the process naming the key. */
    @Factory
    static class Reader {
        @Context
        SchedulesConfig schedulesConfig(PropertyResolver props) {
            return read(ConfigFactory.values(props));
        }
    }
}
