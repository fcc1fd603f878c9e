package io.agentfleet.worker.consume;

import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.messages.LuaScript;
import io.agentfleet.messages.Priority;
import io.agentfleet.messages.StreamKeys;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandKeyword;
import io.lettuce.core.protocol.CommandType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Reads a partition's three task streams (one per {@link Priority}) without ever taking more entries than the free
 * slots it is given:
 *
 * <ul>
 *   <li>While the streams have work, one {@code read_levels.lua} call per read (one round trip) splits the slots by
 *       the {@link WeightedRound} (6 HIGH : 3 NORMAL : 1 LOW); a level's unused turns go to the highest level that has
 *       work, so LOW gets at least one slot in ten while it has a backlog and HIGH is served before older NORMAL and
 *       LOW entries.
 *   <li>Once a read found every level drained, the next is one blocking {@code XREADGROUP} over the three streams
 *       with {@code COUNT max(1, slots / 3)}: Redis returns up to COUNT per stream, so with three or more free slots it
 *       takes at most the free slots. With one or two free slots the script looks first and the blocking read (COUNT
 *       1) follows only when it found nothing; only entries reaching several levels between the two, or in one Redis
 *       command (a script promoting retries of several levels), can then bring one entry per level. A worker whose
 *       HIGH and LOW streams are empty thus costs one blocking read per batch, as before priorities.
 *   <li>While only one level had work at the last look over all three (a read by weight or a blocking read, at most
 *       {@link #LOOK_AGAIN} ago), that level is read with a plain {@code XREADGROUP}: the script's per-entry copying
 *       costs Redis CPU for every task, which a backlog of one level (the common case) does not need. Work arriving on
 *       another level meanwhile is seen at the next look, so it waits at most {@code LOOK_AGAIN} longer.
 * </ul>
 */
final class LevelReader {
    static final LuaScript READ_LEVELS = LuaScript.load(LevelReader.class, "read_levels.lua");
    private static final Priority[] LEVELS = Priority.values();
    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
    /** The id {@code >}: entries never delivered to any consumer of the group. */
    private static final byte[] NEW_ENTRIES = {'>'};

    private final String[] streams;
    private final byte[] group;
    private final byte[] consumerName;
    private final Duration block;
    /** How long a look over every level stays good enough to read only the one level that had work. */
    static final Duration LOOK_AGAIN = Duration.ofMillis(50);

    private final WeightedRound round = new WeightedRound();
    private boolean drained = true;
    /** Per level, whether the last read of it may have left entries (indexed by {@link Priority#ordinal()}). */
    private final boolean[] mayHaveWork = {true, true, true};
    /** When a read last looked at every level ({@link System#nanoTime()}); long ago at first. */
    private long lookedAt = System.nanoTime() - LOOK_AGAIN.toNanos() - 1;

    /** @param streams the task streams indexed by {@link Priority#ordinal()} */
    LevelReader(String[] streams, String consumerName, Duration block) {
        this.streams = streams.clone();
        this.group = utf8(StreamKeys.WORKERS_GROUP);
        this.consumerName = utf8(consumerName);
        this.block = block;
    }

    /** The entries read for at most {@code slots} free slots, per level (indexed by {@link Priority#ordinal()}). */
    List<List<Delivery>> read(RedisClusterCommands<String, byte[]> commands, int slots) {
        if (!drained) {
            int only = soleLevelWithWork();
            return only >= 0 ? single(commands, only, slots) : weighted(commands, slots);
        }
        if (slots < LEVELS.length) {
            // A blocking read takes up to one entry per level at once: look without blocking first.
            List<List<Delivery>> found = weighted(commands, slots);
            if (!drained || found.stream().anyMatch(level -> !level.isEmpty())) {
                return found;
            }
        }
        return blocking(commands, slots);
    }

    private List<List<Delivery>> blocking(RedisClusterCommands<String, byte[]> commands, int slots) {
        int perLevel = Math.max(1, slots / LEVELS.length);
        List<List<Delivery>> byLevel =
                xreadgroup(commands, XReadArgs.Builder.count(perLevel).block(block), 0, streams.length);
        // A level that filled its count may hold more: read by weight next time.
        for (int level = 0; level < LEVELS.length; level++) {
            mayHaveWork[level] = byLevel.get(level).size() >= perLevel;
        }
        lookedAt = System.nanoTime();
        drained = byLevel.stream().allMatch(level -> level.size() < perLevel);
        return byLevel;
    }

    /** The only level that may have work, as of a look over every level within {@link #LOOK_AGAIN}; else -1. */
    private int soleLevelWithWork() {
        if (System.nanoTime() - lookedAt > LOOK_AGAIN.toNanos()) {
            return -1;
        }
        int only = -1;
        for (int level = 0; level < LEVELS.length; level++) {
            if (mayHaveWork[level]) {
                if (only >= 0) {
                    return -1;
                }
                only = level;
            }
        }
        return only;
    }

    /** One non-blocking {@code XREADGROUP} of {@code level} for at most {@code slots} entries. */
    private List<List<Delivery>> single(RedisClusterCommands<String, byte[]> commands, int level, int slots) {
        List<List<Delivery>> byLevel = xreadgroup(commands, XReadArgs.Builder.count(slots), level, level + 1);
        int got = byLevel.get(level).size();
        mayHaveWork[level] = got >= slots;
        drained = got < slots;
        return byLevel;
    }

    private List<List<Delivery>> weighted(RedisClusterCommands<String, byte[]> commands, int slots) {
        int[] plan = round.plan(slots);
        byte[][] args = {
            group,
            consumerName,
            utf8(Integer.toString(plan[0])),
            utf8(Integer.toString(plan[1])),
            utf8(Integer.toString(plan[2]))
        };
        List<Object> reply = evaluate(commands, args);
        List<List<Delivery>> byLevel = DeliveriesOutput.emptyLevels(LEVELS.length);
        int total = 0;
        for (int level = 0; level < LEVELS.length && level < reply.size(); level++) {
            List<?> flat = (List<?>) reply.get(level);
            for (int i = 0; i + 1 < flat.size(); i += 2) {
                String id = new String((byte[]) flat.get(i), StandardCharsets.UTF_8);
                byLevel.get(level).add(Delivery.fresh(id, (byte[]) flat.get(i + 1)));
                total++;
            }
        }
        if (reply.size() > LEVELS.length) {
            List<?> flags = (List<?>) reply.get(LEVELS.length);
            for (int level = 0; level < LEVELS.length && level < flags.size(); level++) {
                mayHaveWork[level] = ((Number) flags.get(level)).longValue() == 1;
            }
            lookedAt = System.nanoTime();
        }
        drained = total < slots;
        return byLevel;
    }

    private List<Object> evaluate(RedisClusterCommands<String, byte[]> commands, byte[][] args) {
        return FleetRedis.runOn(commands, READ_LEVELS, ScriptOutputType.MULTI, streams, args);
    }

    /**
     * {@code XREADGROUP GROUP g me <read> STREAMS <streams[from..to)> > ...}, its entries decoded straight into
     * deliveries by level ({@link DeliveriesOutput}).
     */
    private List<List<Delivery>> xreadgroup(
            RedisClusterCommands<String, byte[]> commands, XReadArgs read, int from, int to) {
        CommandArgs<String, byte[]> args =
                new CommandArgs<>(CODEC).add(CommandKeyword.GROUP).add(group).add(consumerName);
        read.build(args);
        args.add("STREAMS");
        for (int i = from; i < to; i++) {
            // addKey: on a cluster the read is routed by its first stream.
            args.addKey(streams[i]);
        }
        for (int i = from; i < to; i++) {
            args.add(NEW_ENTRIES);
        }
        return commands.dispatch(CommandType.XREADGROUP, new DeliveriesOutput(CODEC, streams), args);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
