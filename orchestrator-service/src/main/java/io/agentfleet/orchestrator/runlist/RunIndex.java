package io.agentfleet.orchestrator.runlist;

import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.orchestrator.config.OrchestratorConfig;
import io.lettuce.core.KeyValue;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisFuture;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Run ids by submission, newest first. Run ids are ULIDs, so their text sorts by creation time: each index is a sorted
 * set with every score 0, read with {@code ZREVRANGEBYLEX}.
 *
 * <pre>
 * prefix:orchestrator:run-index   sorted set: every run id (what operator keys list)
 * prefix:{tenant:T}:run-index     sorted set: tenant T's run ids
 * </pre>
 *
 * Each index keeps its newest {@link #MAX_ENTRIES}; an id whose run expired (retention) is dropped when a listing
 * meets it. The index is written after the run is created, so a replica that dies in between leaves that run unlisted
 * (still readable by id).
 */
@Singleton
public class RunIndex {
    static final long MAX_ENTRIES = 100_000;
    /** Most index entries one listing reads, so a filter that matches little cannot make a request read everything. */
    static final int MAX_SCANNED = 1_000;

    private static final int BATCH = 50;

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    private static final String[] FIELDS = {
        "status", "kind", "apiKey", "tenant", "createdAt", "finishedAt", "steps", "maxSteps", "scheduleId"
    };

    private final FleetRedis redis;
    private final StreamKeys keys;

    public RunIndex(FleetRedis redis, OrchestratorConfig config) {
        this.redis = redis;
        this.keys = config.keys();
    }

    /** Adds a newly submitted run to the fleet's and its tenant's index. */
    public void add(String runId, String tenant) {
        for (String index : List.of(fleetIndex(), tenantIndex(tenant))) {
            redis.shared().sync().zadd(index, 0, runId);
            redis.shared().sync().zremrangebyrank(index, 0, -MAX_ENTRIES - 1);
        }
    }

    /**
     * Up to {@code count} runs older than {@code before} (null: the newest) that {@code filter} keeps, from the
     * tenant's index ({@code tenant} null: the fleet's).
     */
    public RunPage page(String tenant, String before, int count, Predicate<RunSummary> filter) {
        String index = tenant == null ? fleetIndex() : tenantIndex(tenant);
        List<RunSummary> runs = new ArrayList<>();
        String cursor = before;
        int scanned = 0;
        while (scanned < MAX_SCANNED) {
            List<String> ids = newerFirst(index, cursor, Math.min(Math.max(count, BATCH), MAX_SCANNED - scanned));
            if (ids.isEmpty()) {
                return new RunPage(runs, null);
            }
            List<RunSummary> summaries = summaries(index, ids);
            for (int i = 0; i < ids.size(); i++) {
                scanned++;
                cursor = ids.get(i);
                RunSummary run = summaries.get(i);
                if (run != null && filter.test(run)) {
                    runs.add(run);
                    if (runs.size() == count) {
                        return new RunPage(runs, cursor);
                    }
                }
            }
        }
        return new RunPage(runs, cursor);
    }

    private List<String> newerFirst(String index, String before, int limit) {
        Range<String> range = before == null
                ? Range.unbounded()
                : Range.from(Range.Boundary.unbounded(), Range.Boundary.excluding(before));
        return redis.shared().sync().zrevrangebylex(index, range, Limit.create(0, limit));
    }

    /** Each id's summary in order, null for a run whose state expired (and is then dropped from the index). */
    private List<RunSummary> summaries(String index, List<String> ids) {
        List<RedisFuture<List<KeyValue<String, String>>>> reads = new ArrayList<>();
        for (String id : ids) {
            reads.add(redis.shared().async().hmget(keys.runState(id), FIELDS));
        }
        List<RunSummary> out = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            List<KeyValue<String, String>> values = FleetRedis.await(reads.get(i), READ_TIMEOUT);
            if (!values.get(0).hasValue()) {
                redis.shared().sync().zrem(index, ids.get(i));
                out.add(null);
            } else {
                out.add(summary(ids.get(i), values));
            }
        }
        return out;
    }

    private static RunSummary summary(String runId, List<KeyValue<String, String>> v) {
        return new RunSummary(
                runId,
                text(v.get(1), "workflow"),
                v.get(0).getValue(),
                text(v.get(2), null),
                text(v.get(3), text(v.get(2), "anonymous")),
                number(v.get(4)),
                number(v.get(5)),
                (int) number(v.get(6)),
                (int) number(v.get(7)),
                text(v.get(8), null));
    }

    private static String text(KeyValue<String, String> value, String otherwise) {
        return value.hasValue() ? value.getValue() : otherwise;
    }

    private static long number(KeyValue<String, String> value) {
        try {
            return value.hasValue() ? Long.parseLong(value.getValue()) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private String fleetIndex() {
        return keys.prefix() + ":orchestrator:run-index";
    }

    private String tenantIndex(String tenant) {
        return keys.prefix() + ":{tenant:" + tenant + "}:run-index";
    }
}
