package io.agentfleet.orchestrator.admin;

import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.DeadLetter;
import io.agentfleet.messages.FleetScripts;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.orchestrator.config.OrchestratorConfig;
import io.agentfleet.orchestrator.registry.AgentRegistry;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * Dead letters of every partition of an agent type: list, show, redrive and purge, each limited to what the caller's
 * tenant may see, and a scoped request reading a bounded number of entries.
 */
@Singleton
public class DeadLetters {
    /** Entries read (and redriven) per XRANGE when going through a dead-letter stream. */
    private static final int SCAN_PAGE = 100;
    /** Most dead-letter entries one scoped request reads, over all partitions. */
    private static final int SCAN_BUDGET = 20_000;

    private final FleetRedis redis;
    private final AgentRegistry registry;
    private final StreamKeys keys;
    private final MessageCodec codec;

    public DeadLetters(FleetRedis redis, AgentRegistry registry, OrchestratorConfig config, MessageCodec codec) {
        this.redis = redis;
        this.registry = registry;
        this.keys = config.keys();
        this.codec = codec;
    }

    /** A dead letter and the partition it is in. */
    private record Letter(int partition, StreamMessage<String, String> entry) {}

    /** Whether a dead letter is visible to a caller scoped to {@code tenant} (null = every tenant's). */
    private static boolean visible(String tenant, DeadLetter letter) {
        return tenant == null || tenant.equals(letter.tenant());
    }

    /** What one partition's scan after a cursor found: the matches, and how far it read (null = to the end). */
    private record Scanned(List<Letter> matches, String reached) {}

    /**
     * Reads one partition's dead letters after {@code after}, keeping those visible to {@code tenant}, until
     * {@code count} match or {@code budget} entries were read: a scoped request does bounded work however many other
     * tenants' dead letters lie in between.
     */
    private Scanned scan(String agent, int partition, String after, int count, String tenant, int budget) {
        List<Letter> matches = new ArrayList<>();
        String cursor = after;
        int read = 0;
        while (matches.size() < count && read < budget) {
            int want = tenant == null ? count - matches.size() : Math.min(SCAN_PAGE, budget - read);
            List<StreamMessage<String, String>> page = page(agent, partition, cursor, want);
            for (StreamMessage<String, String> entry : page) {
                if (visible(tenant, DeadLetter.fromFields(entry.getId(), agent, entry.getBody()))) {
                    matches.add(new Letter(partition, entry));
                }
            }
            read += page.size();
            if (page.size() < want) {
                return new Scanned(matches, null);
            }
            cursor = page.get(page.size() - 1).getId();
        }
        return new Scanned(matches, cursor);
    }

    /**
     * Dead letters of every partition visible to {@code tenant} (null = all), oldest first (merged by entry id), at
     * most {@code count} after {@code after}. Each carries its {@code partition}. {@code next} continues the listing;
     * a scoped listing may return fewer than {@code count} with a {@code next} when it stopped at its read budget.
     * {@code total} (every tenant's dead letters) is given to unscoped callers only.
     */
    public DeadLetterPage deadLetters(String agent, String after, int count, String tenant) {
        int partitions = registry.forReading(agent);
        long total = 0;
        List<Letter> merged = new ArrayList<>();
        String bound = null;
        for (int p = 0; p < partitions; p++) {
            if (tenant == null) {
                total += redis.shared().sync().xlen(keys.dead(agent, p));
            }
            Scanned scanned = scan(agent, p, after, count, tenant, SCAN_BUDGET / partitions);
            merged.addAll(scanned.matches());
            if (scanned.reached() != null && (bound == null || compareEntryIds(scanned.reached(), bound) < 0)) {
                bound = scanned.reached();
            }
        }
        // Past the lowest id a partition read up to, another partition's unread entries could sort first.
        String limit = bound;
        merged.removeIf(l -> limit != null && compareEntryIds(l.entry().getId(), limit) > 0);
        merged.sort(Comparator.comparing((Letter l) -> l.entry().getId(), DeadLetters::compareEntryIds));
        List<Letter> page = merged.subList(0, Math.min(count, merged.size()));
        List<DeadLetterView> views = new ArrayList<>();
        for (Letter letter : page) {
            views.add(view(agent, letter));
        }
        String next = page.size() == count ? page.get(page.size() - 1).entry().getId() : bound;
        return new DeadLetterPage(agent, tenant == null ? total : null, views, next);
    }

    private static DeadLetterView view(String agent, Letter letter) {
        return new DeadLetterView(
                letter.partition(),
                DeadLetter.fromFields(
                        letter.entry().getId(), agent, letter.entry().getBody()));
    }

    /** One dead letter visible to {@code tenant} (null = any), looked for in every partition; null when none. */
    public DeadLetterView deadLetter(String agent, String entryId, String tenant) {
        Letter letter = find(agent, entryId, tenant);
        return letter == null ? null : view(agent, letter);
    }

    private Letter find(String agent, String entryId, String tenant) {
        int partitions = registry.forReading(agent);
        for (int p = 0; p < partitions; p++) {
            List<StreamMessage<String, String>> one =
                    redis.shared().sync().xrange(keys.dead(agent, p), Range.create(entryId, entryId));
            if (!one.isEmpty()
                    && visible(
                            tenant,
                            DeadLetter.fromFields(entryId, agent, one.get(0).getBody()))) {
                return new Letter(p, one.get(0));
            }
        }
        return null;
    }

    private List<StreamMessage<String, String>> page(String agent, int partition, String after, int count) {
        return redis.shared()
                .sync()
                .xrange(
                        keys.dead(agent, partition),
                        Range.create(after == null ? "-" : "(" + after, "+"),
                        Limit.from(count));
    }

    private static int compareEntryIds(String a, String b) {
        int da = a.indexOf('-');
        int db = b.indexOf('-');
        int byTime = Long.compareUnsigned(
                Long.parseUnsignedLong(a.substring(0, da)), Long.parseUnsignedLong(b.substring(0, db)));
        return byTime != 0
                ? byTime
                : Long.compareUnsigned(
                        Long.parseUnsignedLong(a.substring(da + 1)), Long.parseUnsignedLong(b.substring(db + 1)));
    }

    /**
     * Redrives the given dead-letter entries, or all when {@code ids} is null, of those visible to {@code tenant}
     * (null = every tenant's); an id of another tenant is skipped exactly like one that does not exist. Each goes back
     * to the task stream of the partition it was dead-lettered in; an id is looked for in every partition. A scoped
     * "all" reads at most a bounded number of entries after {@code after}; when it stopped there, {@code next} is where
     * to continue.
     */
    public RedriveResult redrive(String agent, Collection<String> ids, String tenant, String after) {
        int partitions = registry.forReading(agent);
        List<RedriveResult.Redriven> redriven = new ArrayList<>();
        List<RedriveResult.Skipped> skipped = new ArrayList<>();
        String next = null;
        if (ids != null) {
            Map<Integer, List<StreamMessage<String, String>>> byPartition = new TreeMap<>();
            for (String id : ids) {
                Letter letter = find(agent, id, tenant);
                if (letter == null) {
                    skipped.add(new RedriveResult.Skipped(id, "no such dead letter"));
                } else {
                    byPartition
                            .computeIfAbsent(letter.partition(), x -> new ArrayList<>())
                            .add(letter.entry());
                }
            }
            byPartition.forEach((p, entries) -> redriveBatch(agent, p, entries, redriven, skipped));
        } else {
            next = forEachScoped(
                    agent,
                    partitions,
                    tenant,
                    after,
                    (p, entries) -> redriveBatch(agent, p, entries, redriven, skipped));
        }
        return new RedriveResult(redriven, skipped, next);
    }

    /**
     * Runs {@code batch} over every dead letter visible to {@code tenant} (null = all, unbounded) after {@code after},
     * page by page. Returns null when every partition was read to its end, else the id to continue after (the lowest
     * id a partition stopped at, so nothing before it is left unvisited).
     */
    private String forEachScoped(
            String agent,
            int partitions,
            String tenant,
            String after,
            BiConsumer<Integer, List<StreamMessage<String, String>>> batch) {
        String bound = null;
        for (int p = 0; p < partitions; p++) {
            String cursor = after;
            int read = 0;
            while (tenant == null || read < SCAN_BUDGET / partitions) {
                List<StreamMessage<String, String>> page = page(agent, p, cursor, SCAN_PAGE);
                if (page.isEmpty()) {
                    cursor = null;
                    break;
                }
                read += page.size();
                List<StreamMessage<String, String>> matching = new ArrayList<>();
                for (StreamMessage<String, String> entry : page) {
                    if (visible(tenant, DeadLetter.fromFields(entry.getId(), agent, entry.getBody()))) {
                        matching.add(entry);
                    }
                }
                if (!matching.isEmpty()) {
                    batch.accept(p, matching);
                }
                cursor = page.get(page.size() - 1).getId();
                if (page.size() < SCAN_PAGE) {
                    cursor = null;
                    break;
                }
            }
            if (cursor != null && (bound == null || compareEntryIds(cursor, bound) < 0)) {
                bound = cursor;
            }
        }
        return bound;
    }

    private void redriveBatch(
            String agent,
            int partition,
            List<StreamMessage<String, String>> entries,
            List<RedriveResult.Redriven> redriven,
            List<RedriveResult.Skipped> skipped) {
        List<FleetScripts.Redrive> letters = new ArrayList<>();
        List<DeadLetter> sent = new ArrayList<>();
        for (StreamMessage<String, String> entry : entries) {
            DeadLetter dl = DeadLetter.fromFields(entry.getId(), agent, entry.getBody());
            AgentMessage message;
            try {
                message = dl.redriveMessage(codec);
            } catch (InvalidMessageException e) {
                skipped.add(new RedriveResult.Skipped(dl.entryId(), "cannot be redriven: " + e.getMessage()));
                continue;
            }
            letters.add(new FleetScripts.Redrive(
                    dl.entryId(),
                    message.taskId(),
                    codec.encode(message).getBytes(StandardCharsets.UTF_8),
                    message.priority()));
            sent.add(dl);
        }
        if (sent.isEmpty()) {
            return;
        }
        List<Object> ids = redis.runSync(FleetScripts.redrive(keys, agent, partition, letters), ScriptOutputType.MULTI);
        for (int i = 0; i < sent.size(); i++) {
            Object id = ids.get(i);
            if (id == null || Boolean.FALSE.equals(id)) {
                skipped.add(new RedriveResult.Skipped(sent.get(i).entryId(), "already redriven or purged"));
            } else {
                redriven.add(new RedriveResult.Redriven(
                        sent.get(i).entryId(), sent.get(i).taskId(), partition, String.valueOf(id)));
            }
        }
    }

    /**
     * Deletes the given dead letters (looked for in every partition), or all when {@code ids} is null, of those
     * visible to {@code tenant} (null = every tenant's: then "all" deletes the streams at once). A scoped "all" reads
     * at most a bounded number of entries after {@code after}; when it stopped there, {@code next} is where to
     * continue.
     */
    public PurgeResult purge(String agent, Collection<String> ids, String tenant, String after) {
        int partitions = registry.forReading(agent);
        var sync = redis.shared().sync();
        long purged = 0;
        String next = null;
        if (ids != null) {
            for (String id : ids) {
                Letter letter = find(agent, id, tenant);
                if (letter != null) {
                    purged += sync.xdel(keys.dead(agent, letter.partition()), id);
                }
            }
        } else if (tenant == null && after == null) {
            for (int p = 0; p < partitions; p++) {
                Long count = redis.runSync(FleetScripts.purgeDead(keys, agent, p), ScriptOutputType.INTEGER);
                purged += count == null ? 0 : count;
            }
        } else {
            // One script per partition deletes the tenant's entries among those it reads, atomically.
            int budget = tenant == null ? 0 : SCAN_BUDGET / partitions;
            for (int p = 0; p < partitions; p++) {
                FleetScripts.ScopedPurge done = FleetScripts.ScopedPurge.of(redis.runSync(
                        FleetScripts.purgeDeadScoped(keys, agent, p, tenant, after, budget), ScriptOutputType.MULTI));
                purged += done.purged();
                String reached = done.continueAfter();
                if (reached != null && (next == null || compareEntryIds(reached, next) < 0)) {
                    next = reached;
                }
            }
        }
        return new PurgeResult(agent, purged, next);
    }
}
