package io.agentfleet.worker.lease;

import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.messages.StreamKeys;
import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.models.stream.PendingMessage;
import io.lettuce.core.output.ArrayOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes over entries idle past claim-after ({@code XAUTOCLAIM}), with their delivery counts (one XPENDING).
 *
 * <p>XAUTOCLAIM is dispatched raw and parsed here, because an entry whose body was trimmed away comes back as a nil
 * in Redis 6.2 (without its id) and as an id in a third reply element in Redis 7; the typed Lettuce reply copes with
 * neither. In 6.2 the ids of nil entries are found by elimination: entries now pending for this consumer that were
 * just claimed (delivery count above 1, not idle) and are neither among the bodies returned nor in flight here.
 */
public final class AutoClaimer {
    private static final Logger LOG = LoggerFactory.getLogger(AutoClaimer.class);

    private final String stream;
    private final String consumer;
    private final FleetRedis redis;

    /**
     * @param nextCursor where the next scan continues ({@code 0-0} when the scan wrapped around)
     * @param claimed entries now owned by this consumer, in id order; trimmed ones have a null message
     */
    public record Result(String nextCursor, List<Claimed> claimed) {}

    public AutoClaimer(String stream, String consumer, FleetRedis redis) {
        this.stream = stream;
        this.consumer = consumer;
        this.redis = redis;
    }

    /**
     * Claims up to {@code count} entries idle at least {@code minIdle}, scanning from {@code cursor}.
     *
     * @param inFlight ids this worker is working on, taken before the call
     */
    public Result claim(Duration minIdle, String cursor, int count, Set<String> inFlight) throws Exception {
        long sentAt = System.nanoTime();
        List<Object> reply = autoclaim(minIdle, cursor, count);
        Parsed parsed = parse(reply);
        if (parsed.withBody.isEmpty() && parsed.nilCount == 0) {
            return new Result(
                    parsed.cursor,
                    parsed.deletedIds.stream().map(id -> Claimed.gone(id, 1)).toList());
        }
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sentAt);
        List<PendingMessage> pending =
                pendingOfMine(cursor, parsed.withBody.size() + inFlight.size() + parsed.nilCount + 100);
        Map<String, PendingMessage> byId = new HashMap<>();
        for (PendingMessage p : pending) {
            byId.put(p.getId(), p);
        }
        List<Claimed> claimed = new ArrayList<>();
        Set<String> bodyIds = new HashSet<>();
        for (Map.Entry<String, String> e : parsed.withBody) {
            PendingMessage p = byId.get(e.getKey());
            bodyIds.add(e.getKey());
            claimed.add(new Claimed(e.getKey(), e.getValue(), p == null ? 2 : p.getRedeliveryCount(), false));
        }
        for (String id : parsed.deletedIds) {
            claimed.add(Claimed.gone(id, byId.containsKey(id) ? byId.get(id).getRedeliveryCount() : 1));
        }
        if (parsed.nilCount > 0) {
            claimed.addAll(trimmedByElimination(pending, bodyIds, inFlight, parsed.nilCount, elapsedMs));
        }
        return new Result(parsed.cursor, claimed);
    }

    private List<Claimed> trimmedByElimination(
            List<PendingMessage> pending, Set<String> bodyIds, Set<String> inFlight, int nilCount, long elapsedMs) {
        List<Claimed> candidates = new ArrayList<>();
        for (PendingMessage p : pending) {
            boolean justClaimed = p.getRedeliveryCount() > 1 && p.getMsSinceLastDelivery() <= elapsedMs + 50;
            if (justClaimed && !bodyIds.contains(p.getId()) && !inFlight.contains(p.getId())) {
                candidates.add(Claimed.gone(p.getId(), p.getRedeliveryCount()));
            }
        }
        if (candidates.size() != nilCount) {
            LOG.warn(
                    "stream {}: {} reclaimed entries had no body but {} candidates were found; leaving them for a later scan",
                    stream,
                    nilCount,
                    candidates.size());
            return List.of();
        }
        return candidates;
    }

    private List<Object> autoclaim(Duration minIdle, String cursor, int count) throws Exception {
        CommandArgs<String, String> args = new CommandArgs<>(StringCodec.UTF8)
                .addKey(stream)
                .add(StreamKeys.WORKERS_GROUP)
                .add(consumer)
                .add(minIdle.toMillis())
                .add(cursor)
                .add("COUNT")
                .add(count);
        return redis.shared()
                .async()
                .dispatch(CommandType.XAUTOCLAIM, new ArrayOutput<>(StringCodec.UTF8), args)
                .get(30, TimeUnit.SECONDS);
    }

    private List<PendingMessage> pendingOfMine(String from, int count) throws Exception {
        RedisClusterAsyncCommands<String, String> commands = redis.shared().async();
        return commands.xpending(
                        stream,
                        Consumer.from(StreamKeys.WORKERS_GROUP, consumer),
                        Range.create(from, "+"),
                        Limit.from(count))
                .get(30, TimeUnit.SECONDS);
    }

    private record Parsed(
            String cursor, List<Map.Entry<String, String>> withBody, List<String> deletedIds, int nilCount) {}

    @SuppressWarnings("unchecked")
    static Parsed parse(List<Object> reply) {
        String cursor = String.valueOf(reply.get(0));
        List<Map.Entry<String, String>> withBody = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        int nils = 0;
        Object entries = reply.size() > 1 ? reply.get(1) : null;
        if (entries instanceof List<?> list) {
            for (Object entry : list) {
                if (!(entry instanceof List<?> pair) || pair.isEmpty()) {
                    nils++;
                    continue;
                }
                String id = String.valueOf(pair.get(0));
                Object fields = pair.size() > 1 ? pair.get(1) : null;
                if (fields instanceof List<?> kv) {
                    withBody.add(Map.entry(id, messageField((List<Object>) kv)));
                } else {
                    deleted.add(id);
                }
            }
        }
        if (reply.size() > 2 && reply.get(2) instanceof List<?> ids) {
            for (Object id : ids) {
                deleted.add(String.valueOf(id));
            }
        }
        return new Parsed(cursor, withBody, deleted, nils);
    }

    /** The {@code msg} field, or null when the entry has other fields only (which then fails validation). */
    private static String messageField(List<Object> kv) {
        for (int i = 0; i + 1 < kv.size(); i += 2) {
            if (StreamKeys.MESSAGE_FIELD.equals(kv.get(i))) {
                Object value = kv.get(i + 1);
                return value == null ? null : value.toString();
            }
        }
        return null;
    }
}
