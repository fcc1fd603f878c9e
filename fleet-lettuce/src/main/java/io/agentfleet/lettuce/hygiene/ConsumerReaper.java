package io.agentfleet.lettuce.hygiene;

import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.messages.FleetScripts;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Consumer-group hygiene: removes ghost consumers (a worker or orchestrator killed with {@code kill -9}, a pod whose
 * name never comes back) that hold no pending entries and were not seen for at least the threshold, and counts the
 * live ones. A consumer is seen when it reads or claims (XINFO CONSUMERS idle) and when its process records a
 * heartbeat here, which a running process does every pass: Redis before 7.2 does not refresh idle on a blocked read
 * that delivers nothing, so without the heartbeat an idle but running worker would look dead.
 *
 * <p>A consumer with pending entries is never removed: the reclaim path (XAUTOCLAIM by a live consumer after
 * claim-after) takes its entries over, and it goes in a later pass. Each pass over a group is one Lua script on the
 * group's hash tag ({@link FleetScripts#reapConsumers}), so it decides on what Redis holds at that instant and any
 * number of replicas may run it at once, also on Redis Cluster.
 */
public final class ConsumerReaper {
    private static final long TIMEOUT_SECONDS = 10;

    private final FleetRedis redis;
    private final Duration threshold;

    public ConsumerReaper(FleetRedis redis, Duration threshold) {
        this.redis = Objects.requireNonNull(redis, "redis");
        Objects.requireNonNull(threshold, "threshold");
        if (threshold.isNegative() || threshold.isZero()) {
            throw new IllegalArgumentException("threshold must be > 0, but was " + threshold);
        }
        this.threshold = threshold;
    }

    public Duration threshold() {
        return threshold;
    }

    /**
     * One pass over one group.
     *
     * @param heartbeatFor this process's consumer in the group, recorded as seen now; null when it is not a member
     * @param reap false to count (and heartbeat) only
     */
    public GroupCensus pass(ConsumerGroup group, String heartbeatFor, boolean reap)
            throws InterruptedException, ExecutionException {
        List<Object> reply;
        try {
            reply = redis.<List<Object>>run(
                            FleetScripts.reapConsumers(
                                    group.stream(), group.seen(), group.group(), threshold, heartbeatFor, reap),
                            ScriptOutputType.MULTI)
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new ExecutionException("no reply from Redis within " + TIMEOUT_SECONDS + " s", e);
        }
        return new GroupCensus(group, count(reply, 0), count(reply, 1), count(reply, 2), count(reply, 3));
    }

    private static int count(List<Object> reply, int index) {
        return ((Number) reply.get(index)).intValue();
    }
}
