package io.agentfleet.orchestrator.schedule;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.messages.LuaScript;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.ScriptCall;
import io.agentfleet.orchestrator.config.OrchestratorConfig;
import io.agentfleet.orchestrator.redis.OrchestratorScripts;
import io.lettuce.core.KeyValue;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Schedules in Redis. Every key shares the hash tag {@code {schedules}}, so each change is one script, also on Redis
 * Cluster (schedules are few and rarely change, so one slot holds them all).
 *
 * <pre>
 * prefix:{schedules}:defs        hash: schedule id -> definition JSON
 * prefix:{schedules}:due         sorted set: active schedules by next tick (epoch ms); a paused one is absent
 * prefix:{schedules}:starts      sorted set: claimed ticks whose run may not exist yet (id|tick), by lease end
 * prefix:{schedules}:tenant:T    set: tenant T's schedule ids (its count is bounded)
 * prefix:{schedules}:ticks:ID    list: the schedule's most recent tick records (JSON), newest first
 * </pre>
 */
@Singleton
class ScheduleStore {
    static final int HISTORY = 20;

    private final FleetRedis redis;
    private final ObjectMapper mapper;
    private final String prefix;

    ScheduleStore(FleetRedis redis, OrchestratorConfig config, MessageCodec codec) {
        this.redis = redis;
        this.mapper = codec.mapper();
        this.prefix = config.keys().prefix() + ":{schedules}:";
    }

    String defs() {
        return prefix + "defs";
    }

    String due() {
        return prefix + "due";
    }

    String starts() {
        return prefix + "starts";
    }

    String tenant(String tenant) {
        return prefix + "tenant:" + tenant;
    }

    String ticks(String id) {
        return prefix + "ticks:" + id;
    }

    /** Stores a new schedule due at {@code firstTick}; false when its tenant already has {@code limit}. */
    boolean create(Schedule s, long firstTick, int limit) {
        Long stored = redis.runSync(
                call(
                        OrchestratorScripts.SCHEDULE_CREATE,
                        List.of(defs(), due(), tenant(s.tenant())),
                        s.id(),
                        s.toJson().toString(),
                        Long.toString(firstTick),
                        Integer.toString(limit)),
                ScriptOutputType.INTEGER);
        return stored != null && stored == 1;
    }

    /** The schedule, or null. */
    Schedule get(String id) {
        String json = sync().hget(defs(), id);
        return json == null ? null : parse(json);
    }

    /** The schedules of {@code tenant}, or every schedule when it is null (an operator). */
    List<Schedule> list(String tenant) {
        Collection<String> json;
        if (tenant == null) {
            json = sync().hgetall(defs()).values();
        } else {
            List<String> ids = new ArrayList<>(sync().smembers(tenant(tenant)));
            json = ids.isEmpty()
                    ? List.of()
                    : sync().hmget(defs(), ids.toArray(String[]::new)).stream()
                            .filter(KeyValue::hasValue)
                            .map(KeyValue::getValue)
                            .toList();
        }
        return json.stream().map(this::parse).toList();
    }

    /** The next tick of an active schedule, or empty when it is paused (or gone). */
    OptionalLong nextTick(String id) {
        Double score = sync().zscore(due(), id);
        return score == null ? OptionalLong.empty() : OptionalLong.of(score.longValue());
    }

    /** Up to {@code max} schedules due by {@code now}, with their due tick. */
    List<ScoredValue<String>> dueBy(long now, int max) {
        return sync().zrangebyscoreWithScores(due(), Range.create(Double.NEGATIVE_INFINITY, now), Limit.create(0, max));
    }

    /**
     * Claims the due {@code tick} of schedule {@code id}, moving its next tick to {@code next}; when {@code startMember}
     * is not null it is recorded in the starts set until {@code leaseEnd}. False when another replica, a pause or a
     * delete got there first.
     */
    boolean claimTick(String id, long tick, long next, String startMember, long leaseEnd) {
        Long claimed = redis.runSync(
                call(
                        OrchestratorScripts.SCHEDULE_CLAIM_TICK,
                        List.of(due(), starts()),
                        id,
                        Long.toString(tick),
                        Long.toString(next),
                        startMember == null ? "" : startMember,
                        Long.toString(leaseEnd)),
                ScriptOutputType.INTEGER);
        return claimed != null && claimed == 1;
    }

    /** Pauses: true when it was active. */
    boolean pause(String id) {
        return sync().zrem(due(), id) == 1;
    }

    /** Resumes with {@code next} as its next tick: true when it was paused. */
    boolean resume(String id, long next) {
        Long resumed = redis.runSync(
                call(OrchestratorScripts.SCHEDULE_RESUME, List.of(defs(), due()), id, Long.toString(next)),
                ScriptOutputType.INTEGER);
        return resumed != null && resumed == 1;
    }

    boolean delete(Schedule s) {
        Long deleted = redis.runSync(
                call(
                        OrchestratorScripts.SCHEDULE_DELETE,
                        List.of(defs(), due(), tenant(s.tenant()), ticks(s.id())),
                        s.id()),
                ScriptOutputType.INTEGER);
        return deleted != null && deleted == 1;
    }

    /** Removes a due entry whose definition is gone (deleted while a replica read it). */
    void forgetDue(String id) {
        sync().zrem(due(), id);
    }

    /** Adds a tick record to the schedule's history, keeping the newest {@link #HISTORY}. */
    void record(String id, TickRecord tick) {
        sync().lpush(ticks(id), tick.toJson().toString());
        sync().ltrim(ticks(id), 0, HISTORY - 1);
    }

    /** The schedule's recent tick records, newest first. */
    List<TickRecord> history(String id) {
        List<TickRecord> out = new ArrayList<>();
        for (String json : sync().lrange(ticks(id), 0, HISTORY - 1)) {
            try {
                out.add(TickRecord.fromJson(mapper.readTree(json)));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("tick record of schedule " + id + " is not JSON", e);
            }
        }
        return out;
    }

    private Schedule parse(String json) {
        try {
            return Schedule.fromJson(mapper.readTree(json));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("schedule definition is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    private RedisClusterCommands<String, String> sync() {
        return redis.shared().sync();
    }

    private static ScriptCall call(LuaScript script, List<String> keys, String... args) {
        List<byte[]> encoded = new ArrayList<>(args.length);
        for (String arg : args) {
            encoded.add(arg.getBytes(StandardCharsets.UTF_8));
        }
        return new ScriptCall(script, keys, encoded);
    }

    /** The schedule id and tick of a starts member, or null when it is not one (written by hand or another version). */
    static Map.Entry<String, Long> parseStartMember(String member) {
        int bar = member.lastIndexOf('|');
        try {
            return bar <= 0 ? null : Map.entry(member.substring(0, bar), Long.parseLong(member.substring(bar + 1)));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The starts member of a schedule's tick. */
    static String startMember(String id, long tick) {
        return id + "|" + tick;
    }
}
