package io.agentfleet.orchestrator.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.DeadLetter;
import io.agentfleet.messages.FleetScripts;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.Names;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.orchestrator.config.OrchestratorConfig;
import io.agentfleet.orchestrator.registry.AgentRegistry;
import io.agentfleet.orchestrator.workflow.store.OrchestratorKeys;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * Operator views and actions: per-agent-type stream health (totals, and each partition of a partitioned type), dead
 * letters of every partition (list, redrive, purge), usage. Agent types come from the fleet's registry, the types runs
 * used and the configured ones: no SCAN, which would see one node of a cluster.
 */
@Singleton
public class FleetAdmin {
    /** Entries read (and redriven) per XRANGE when going through a dead-letter stream. */
    private static final int SCAN_PAGE = 100;
    /** Most dead-letter entries one scoped request reads, over all partitions. */
    private static final int SCAN_BUDGET = 20_000;

    private static final String[] COUNTS = {"length", "delayed", "deadLetters", "results", "lag", "pending"};

    private final FleetRedis redis;
    private final AgentRegistry registry;
    private final StreamKeys keys;
    private final OrchestratorKeys okeys;
    private final MessageCodec codec;
    private final java.util.Set<String> allowedAgents;

    public FleetAdmin(FleetRedis redis, AgentRegistry registry, OrchestratorConfig config, MessageCodec codec) {
        this.redis = redis;
        this.registry = registry;
        this.keys = config.keys();
        this.okeys = new OrchestratorKeys(config.keys());
        this.codec = codec;
        this.allowedAgents = config.allowedAgents();
    }

    /** Agent types in the fleet's registry, used by runs, or allowed by configuration. */
    public List<String> agentTypes() {
        TreeSet<String> agents = new TreeSet<>(registry.registeredTypes());
        agents.addAll(redis.shared().sync().smembers(okeys.agents()));
        agents.addAll(allowedAgents);
        agents.removeIf(a -> !Names.isAgentType(a));
        return List.copyOf(agents);
    }

    /** Partitions to show or sample per agent type (max of configured and registered). */
    public Map<String, Integer> partitions(Collection<String> agents) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String agent : agents) {
            out.put(agent, registry.forReading(agent));
        }
        return out;
    }

    public ObjectNode agents() {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode list = out.putArray("agents");
        for (String agent : agentTypes()) {
            list.add(agent(agent));
        }
        return out;
    }

    /**
     * One agent type: its totals over all partitions; for a partitioned type also {@code partitions}, each
     * partition's own figures and consumers.
     */
    public ObjectNode agent(String agent) {
        int partitions = registry.forReading(agent);
        if (partitions == 1) {
            ObjectNode n = partition(agent, 0);
            n.remove("partition");
            n.put("partitionCount", 1);
            return n;
        }
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("agent", agent);
        n.put("stream", keys.tasks(agent));
        n.put("partitionCount", partitions);
        for (String field : COUNTS) {
            n.put(field, 0L);
        }
        Map<String, ObjectNode> consumers = new LinkedHashMap<>();
        ArrayNode parts = JsonNodeFactory.instance.arrayNode();
        for (int p = 0; p < partitions; p++) {
            ObjectNode part = partition(agent, p);
            part.remove("agent");
            for (String field : COUNTS) {
                n.put(field, n.get(field).asLong() + part.get(field).asLong());
            }
            for (JsonNode c : part.get("consumers")) {
                ObjectNode merged = consumers.computeIfAbsent(c.get("name").asText(), name -> {
                    ObjectNode m = JsonNodeFactory.instance.objectNode();
                    m.put("name", name);
                    m.put("pending", 0L);
                    m.put("idleMs", Long.MAX_VALUE);
                    return m;
                });
                merged.put(
                        "pending",
                        merged.get("pending").asLong() + c.get("pending").asLong());
                merged.put(
                        "idleMs",
                        Math.min(merged.get("idleMs").asLong(), c.get("idleMs").asLong()));
            }
            parts.add(part);
        }
        n.putArray("consumers").addAll(consumers.values());
        n.set("partitions", parts);
        return n;
    }

    private ObjectNode partition(String agent, int p) {
        var sync = redis.shared().sync();
        String tasks = keys.tasks(agent, p);
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("agent", agent);
        n.put("partition", p);
        n.put("stream", tasks);
        n.put("length", sync.xlen(tasks));
        n.put("delayed", sync.zcard(keys.delayed(agent, p)));
        n.put("deadLetters", sync.xlen(keys.dead(agent, p)));
        n.put("results", sync.xlen(keys.results(agent, p)));
        Map<String, Object> group = group(tasks, StreamKeys.WORKERS_GROUP);
        n.put("lag", toLong(group.get("lag")));
        n.put("pending", toLong(group.get("pending")));
        ArrayNode consumers = n.putArray("consumers");
        if (!group.isEmpty()) {
            try {
                for (Object c : sync.xinfoConsumers(tasks, StreamKeys.WORKERS_GROUP)) {
                    Map<String, Object> fields = pairs(c);
                    ObjectNode cn = consumers.addObject();
                    cn.put("name", String.valueOf(fields.get("name")));
                    cn.put("pending", toLong(fields.get("pending")));
                    cn.put("idleMs", toLong(fields.get("idle")));
                    if (fields.containsKey("inactive")) {
                        cn.put("inactiveMs", toLong(fields.get("inactive")));
                    }
                }
            } catch (RedisCommandExecutionException e) {
                // The group vanished between the two calls.
            }
        }
        return n;
    }

    private Map<String, Object> group(String stream, String name) {
        try {
            for (Object g : redis.shared().sync().xinfoGroups(stream)) {
                Map<String, Object> fields = pairs(g);
                if (name.equals(String.valueOf(fields.get("name")))) {
                    return fields;
                }
            }
        } catch (RedisCommandExecutionException e) {
            // No such stream yet.
        }
        return Map.of();
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
    public ObjectNode deadLetters(String agent, String after, int count, String tenant) {
        int partitions = registry.forReading(agent);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("agent", agent);
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
        merged.sort(Comparator.comparing((Letter l) -> l.entry().getId(), FleetAdmin::compareEntryIds));
        List<Letter> page = merged.subList(0, Math.min(count, merged.size()));
        if (tenant == null) {
            out.put("total", total);
        }
        ArrayNode list = out.putArray("deadLetters");
        for (Letter letter : page) {
            list.add(view(agent, letter));
        }
        if (page.size() == count) {
            out.put("next", page.get(page.size() - 1).entry().getId());
        } else if (bound != null) {
            out.put("next", bound);
        }
        return out;
    }

    private ObjectNode view(String agent, Letter letter) {
        DeadLetter dl = DeadLetter.fromFields(
                letter.entry().getId(), agent, letter.entry().getBody());
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("entryId", dl.entryId());
        n.put("partition", letter.partition());
        n.put("taskId", dl.taskId());
        n.put("tenant", dl.tenant());
        n.put("reason", dl.reason().name());
        n.put("attempts", dl.attempts());
        n.put("error", dl.error());
        n.put("worker", dl.worker());
        n.put("at", dl.at());
        try {
            n.set("message", codec.parseObject(dl.original()));
        } catch (InvalidMessageException e) {
            n.put("message", dl.original());
        }
        return n;
    }

    /** One dead letter visible to {@code tenant} (null = any), looked for in every partition; null when none. */
    public ObjectNode deadLetter(String agent, String entryId, String tenant) {
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
    public ObjectNode redrive(String agent, Collection<String> ids, String tenant, String after) {
        int partitions = registry.forReading(agent);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode redriven = out.putArray("redriven");
        ArrayNode skipped = out.putArray("skipped");
        if (ids != null) {
            Map<Integer, List<StreamMessage<String, String>>> byPartition = new TreeMap<>();
            for (String id : ids) {
                Letter letter = find(agent, id, tenant);
                if (letter == null) {
                    ObjectNode s = skipped.addObject();
                    s.put("entryId", id);
                    s.put("reason", "no such dead letter");
                } else {
                    byPartition
                            .computeIfAbsent(letter.partition(), x -> new ArrayList<>())
                            .add(letter.entry());
                }
            }
            byPartition.forEach((p, entries) -> redriveBatch(agent, p, entries, redriven, skipped));
        } else {
            String next = forEachScoped(
                    agent,
                    partitions,
                    tenant,
                    after,
                    (p, entries) -> redriveBatch(agent, p, entries, redriven, skipped));
            if (next != null) {
                out.put("next", next);
            }
        }
        out.put("count", redriven.size());
        return out;
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
            ArrayNode redriven,
            ArrayNode skipped) {
        List<FleetScripts.Redrive> letters = new ArrayList<>();
        List<DeadLetter> sent = new ArrayList<>();
        for (StreamMessage<String, String> entry : entries) {
            DeadLetter dl = DeadLetter.fromFields(entry.getId(), agent, entry.getBody());
            AgentMessage message;
            try {
                message = dl.redriveMessage(codec);
            } catch (InvalidMessageException e) {
                ObjectNode s = skipped.addObject();
                s.put("entryId", dl.entryId());
                s.put("reason", "cannot be redriven: " + e.getMessage());
                continue;
            }
            letters.add(new FleetScripts.Redrive(
                    dl.entryId(), message.taskId(), codec.encode(message).getBytes(StandardCharsets.UTF_8)));
            sent.add(dl);
        }
        if (sent.isEmpty()) {
            return;
        }
        List<Object> ids = redis.runSync(FleetScripts.redrive(keys, agent, partition, letters), ScriptOutputType.MULTI);
        for (int i = 0; i < sent.size(); i++) {
            Object id = ids.get(i);
            if (id == null || Boolean.FALSE.equals(id)) {
                ObjectNode s = skipped.addObject();
                s.put("entryId", sent.get(i).entryId());
                s.put("reason", "already redriven or purged");
            } else {
                ObjectNode r = redriven.addObject();
                r.put("entryId", sent.get(i).entryId());
                r.put("taskId", sent.get(i).taskId());
                r.put("partition", partition);
                r.put("newEntryId", String.valueOf(id));
            }
        }
    }

    /**
     * Deletes the given dead letters (looked for in every partition), or all when {@code ids} is null, of those
     * visible to {@code tenant} (null = every tenant's: then "all" deletes the streams at once). A scoped "all" reads
     * at most a bounded number of entries after {@code after}; when it stopped there, {@code next} is where to
     * continue.
     */
    public ObjectNode purge(String agent, Collection<String> ids, String tenant, String after) {
        int partitions = registry.forReading(agent);
        var sync = redis.shared().sync();
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        long purged = 0;
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
            long[] deleted = {0};
            String next = forEachScoped(
                    agent,
                    partitions,
                    tenant,
                    after,
                    (p, entries) -> deleted[0] += sync.xdel(
                            keys.dead(agent, p),
                            entries.stream().map(StreamMessage::getId).toArray(String[]::new)));
            purged = deleted[0];
            if (next != null) {
                out.put("next", next);
            }
        }
        out.put("agent", agent);
        out.put("purged", purged);
        return out;
    }

    /**
     * Tokens and cost. Unscoped ({@code tenant} null): {@code byTenant}, {@code byKey} and {@code byAgent} over the
     * whole fleet. Scoped: {@code tenant}, its {@code total}, and its own {@code byKey} and {@code byAgent}.
     */
    public ObjectNode usage(String tenant) {
        Map<String, String> raw = redis.shared().sync().hgetall(okeys.usage());
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        if (tenant != null) {
            out.put("tenant", tenant);
        }
        ObjectNode total = tenant == null ? null : out.putObject("total");
        ObjectNode byTenant = tenant == null ? out.putObject("byTenant") : null;
        ObjectNode byKey = out.putObject("byKey");
        ObjectNode byAgent = out.putObject("byAgent");
        raw.forEach((field, value) -> {
            // key|K|f, agent|A|f, tenant|T|f; per tenant tk|T|K|f and ta|T|A|f.
            String[] parts = field.split("\\|");
            ObjectNode owner = null;
            if (tenant == null && parts.length == 3) {
                ObjectNode target = switch (parts[0]) {
                    case "key" -> byKey;
                    case "agent" -> byAgent;
                    case "tenant" -> byTenant;
                    default -> null;
                };
                owner = target == null ? null : child(target, parts[1]);
            } else if (tenant != null && parts.length == 3 && parts[0].equals("tenant") && parts[1].equals(tenant)) {
                owner = total;
            } else if (tenant != null && parts.length == 4 && parts[1].equals(tenant)) {
                ObjectNode target = parts[0].equals("tk") ? byKey : parts[0].equals("ta") ? byAgent : null;
                owner = target == null ? null : child(target, parts[2]);
            }
            if (owner != null) {
                String metric = parts[parts.length - 1];
                if (metric.equals("cost")) {
                    owner.put("cost", Double.parseDouble(value));
                } else {
                    owner.put(metric, Long.parseLong(value));
                }
            }
        });
        List<ObjectNode> owners = new ArrayList<>();
        for (ObjectNode group : new ObjectNode[] {byTenant, byKey, byAgent}) {
            if (group != null) {
                group.elements().forEachRemaining(n -> owners.add((ObjectNode) n));
            }
        }
        if (total != null) {
            owners.add(total);
        }
        for (ObjectNode owner : owners) {
            owner.put(
                    "tokens",
                    owner.path("tokensIn").asLong() + owner.path("tokensOut").asLong());
        }
        return out;
    }

    private static ObjectNode child(ObjectNode parent, String name) {
        return parent.has(name) ? (ObjectNode) parent.get(name) : parent.putObject(name);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> pairs(Object info) {
        Map<String, Object> fields = new LinkedHashMap<>();
        if (info instanceof List<?> list) {
            for (int i = 0; i + 1 < list.size(); i += 2) {
                fields.put(String.valueOf(list.get(i)), list.get(i + 1));
            }
        } else if (info instanceof Map<?, ?> map) {
            map.forEach((k, v) -> fields.put(String.valueOf(k), v));
        }
        return fields;
    }

    private static long toLong(Object value) {
        if (value instanceof Number n) {
            return n.longValue();
        }
        try {
            return value == null ? 0 : Long.parseLong(String.valueOf(value));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
