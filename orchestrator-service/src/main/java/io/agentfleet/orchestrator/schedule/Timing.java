package io.agentfleet.orchestrator.schedule;

import io.micronaut.scheduling.cron.CronExpression;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;

/** When a schedule's ticks fall. */
sealed interface Timing {
    /** The first tick strictly after {@code epochMs}. */
    long nextAfter(long epochMs);

    /** A cron expression (5 fields, or 6 with seconds first) evaluated in a time zone. */
    record Cron(CronExpression expression, ZoneId zone) implements Timing {
        public Cron {
            Objects.requireNonNull(expression, "expression");
            Objects.requireNonNull(zone, "zone");
        }

        @Override
        public long nextAfter(long epochMs) {
            return expression
                    .nextTimeAfter(Instant.ofEpochMilli(epochMs).atZone(zone))
                    .toInstant()
                    .toEpochMilli();
        }
    }

    /** Every {@code every}, counted from {@code anchor} (when the schedule was created), epoch ms. */
    record Interval(Duration every, long anchor) implements Timing {
        public Interval {
            if (every.toMillis() <= 0) {
                throw new IllegalArgumentException("every must be positive, but was " + every);
            }
        }

        @Override
        public long nextAfter(long epochMs) {
            long step = every.toMillis();
            long elapsed = Math.max(0, epochMs - anchor);
            return anchor + (elapsed / step + 1) * step;
        }
    }
}
