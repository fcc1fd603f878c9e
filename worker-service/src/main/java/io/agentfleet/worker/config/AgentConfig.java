package io.agentfleet.worker.config;

import io.agentfleet.messages.Names;
import io.agentfleet.messages.StreamKeys;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * How this worker serves one agent type.
 *
 * @param agentType the agent type (stream {@code prefix:{agentType}:tasks})
 * @param handlerKind which handler serves it ({@code fleet.agents.<type>.handler}, default the type name)
 * @param maxInFlight most tasks taken from the stream and not yet recorded, per worker process
 * @param lease lease length: in-flight entries are renewed every lease/3
 * @param claimAfter idle time after which another worker reclaims an entry (a crashed worker's tasks)
 * @param maxAttempts attempts for tasks whose message says 0 (the message's own value wins otherwise)
 * @param backoffBase first retry delay bound (full jitter: random(0, min(max, base * 2^(attempt-1))))
 * @param backoffMax largest retry delay bound
 * @param handlerTimeout how long one handler call may run before it is interrupted (retryable TIMEOUT)
 * @param maxBacklog backlog bound written to {@code prefix:{A}:config} max-backlog at start-up, when configured
 * @param partitions task stream partitions configured here ({@code FLEET_AGENTS_<TYPE>_PARTITIONS}); the worker
 *     serves max(this, the registered count)
 */
public record AgentConfig(
        String agentType,
        String handlerKind,
        int maxInFlight,
        Duration lease,
        Duration claimAfter,
        int maxAttempts,
        Duration backoffBase,
        Duration backoffMax,
        Duration handlerTimeout,
        OptionalLong maxBacklog,
        int partitions) {

    public static final int DEFAULT_MAX_IN_FLIGHT = 64;
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(10);
    public static final Duration DEFAULT_CLAIM_AFTER = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_ATTEMPTS = 5;
    public static final Duration DEFAULT_BACKOFF_BASE = Duration.ofSeconds(1);
    public static final Duration DEFAULT_BACKOFF_MAX = Duration.ofMinutes(1);
    public static final Duration DEFAULT_HANDLER_TIMEOUT = Duration.ofMinutes(10);
    public static final Duration MIN_LEASE = Duration.ofMillis(300);
    public static final int DEFAULT_PARTITIONS = 1;

    public AgentConfig {
        Names.requireAgentType("agentType", agentType);
        Objects.requireNonNull(handlerKind, "handlerKind");
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(claimAfter, "claimAfter");
        Objects.requireNonNull(backoffBase, "backoffBase");
        Objects.requireNonNull(backoffMax, "backoffMax");
        Objects.requireNonNull(handlerTimeout, "handlerTimeout");
        maxBacklog = maxBacklog == null ? OptionalLong.empty() : maxBacklog;
        StreamKeys.requirePartitionCount(partitions);
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be >= 1, but was " + maxInFlight);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, but was " + maxAttempts);
        }
        if (lease.compareTo(MIN_LEASE) < 0) {
            throw new IllegalArgumentException("lease must be >= " + MIN_LEASE + ", but was " + lease);
        }
        if (lease.compareTo(claimAfter) > 0) {
            throw new IllegalArgumentException("lease must be <= claimAfter (" + claimAfter + "), but was " + lease);
        }
        if (backoffMax.compareTo(backoffBase) < 0) {
            throw new IllegalArgumentException(
                    "backoffMax must be >= backoffBase (" + backoffBase + "), but was " + backoffMax);
        }
    }

    /** How often in-flight entries are renewed: a third of the lease. */
    public Duration renewEvery() {
        return lease.dividedBy(3);
    }

    /** How often this worker looks for entries idle past claim-after: half of claim-after. */
    public Duration reclaimEvery() {
        return claimAfter.dividedBy(2);
    }

    /** The attempts a task may use: its own maxAttempts, or this agent type's default when it says 0. */
    public int maxAttemptsFor(int messageMaxAttempts) {
        return messageMaxAttempts > 0 ? messageMaxAttempts : maxAttempts;
    }
}
