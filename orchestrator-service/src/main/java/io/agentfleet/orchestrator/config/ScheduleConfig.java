package io.agentfleet.orchestrator.config;

import io.agentfleet.messages.config.ConfigValues;
import java.time.Duration;
import java.util.Objects;

/**
 * How the deadline schedule is watched.
 *
 * @param watchInterval how often the deadline and outbox watchers look for due entries
 * @param reconcileAfter how long after a dispatch (and then how often) a task still waiting for its outcome is
 *     checked against its done key, in case its result stream entry was trimmed before any replica read it
 * @param promoteInterval how often this replica promotes due scheduled tasks and retries of every agent type it knows
 *     (workers promote their own types too; the orchestrator's pass covers types with no worker running, e.g. scaled
 *     to zero)
 */
public record ScheduleConfig(Duration watchInterval, Duration reconcileAfter, Duration promoteInterval) {
    public static final Duration DEFAULT_WATCH_INTERVAL = Duration.ofMillis(200);
    public static final Duration DEFAULT_RECONCILE_AFTER = Duration.ofSeconds(60);
    public static final Duration DEFAULT_PROMOTE_INTERVAL = Duration.ofMillis(500);

    public ScheduleConfig {
        Objects.requireNonNull(watchInterval, "watchInterval");
        Objects.requireNonNull(reconcileAfter, "reconcileAfter");
        Objects.requireNonNull(promoteInterval, "promoteInterval");
    }

    static ScheduleConfig read(ConfigValues r) {
        return new ScheduleConfig(
                r.positiveDuration(ConfigKeys.WATCH_INTERVAL, DEFAULT_WATCH_INTERVAL),
                r.positiveDuration(ConfigKeys.RECONCILE_AFTER, DEFAULT_RECONCILE_AFTER),
                r.positiveDuration(ConfigKeys.PROMOTE_INTERVAL, DEFAULT_PROMOTE_INTERVAL));
    }
}
