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
import io.agentfleet.orchestrator.workflow.OrchestratorKeys;
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
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Operator views and actions: per-agent-type stream health (totals, and each partition of a partitioned type), dead
 * letters of every partition (list, redrive, purge), usage. Agent types come from the fleet's registry, the types runs
 * used and the configured ones: no SCAN, which would see one node of a cluster.
 */
@Singleton
public class FleetAdmin {
    private static final int PAGE = 100;
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

    /**
     * Dead letters of every partition, oldest first (merged by entry id), at most {@code count} after {@code after}.
     * Each carries its {@code partition}.
     */
    public ObjectNode deadLetters(String agent, String after, int count) {
        int partitions = registry.forReading(agent);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("agent", agent);
        long total = 0;
        List<Letter> merged = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            total += redis.shared().sync().xlen(keys.dead(agent, p));
            for (StreamMessage<String, String> entry : page(agent, p, after, count)) {
                merged.add(new Letter(p, entry));
            }
        }
        merged.sort(Comparator.comparing((Letter l) -> l.entry().getId(), FleetAdmin::compareEntryIds));
        List<Letter> page = merged.subList(0, Math.min(count, merged.size()));
        out.put("total", total);
        ArrayNode list = out.putArray("deadLetters");
        for (Letter letter : page) {
            DeadLetter dl = DeadLetter.fromFields(
                    letter.entry().getId(), agent, letter.entry().getBody());
            ObjectNode n = list.addObject();
            n.put("entryId", dl.entryId());
            n.put("partition", letter.partition());
            n.put("taskId", dl.taskId());
            n.put("reason", dl.reason());
            n.put("attempts", dl.attempts());
            n.put("error", dl.error());
            n.put("worker", dl.worker());
            n.put("at", dl.at());
            try {
                n.set("message", codec.parseObject(dl.original()));
            } catch (InvalidMessageException e) {
                n.put("message", dl.original());
            }
        }
        if (page.size() == count) {
            out.put("next", page.get(page.size() - 1).entry().getId());
        }
        return out;
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
     * Redrives the given dead-letter entries, or all when {@code ids} is null. Each goes back to the task stream of
     * the partition it was dead-lettered in; an id is looked for in every partition.
     */
    public ObjectNode redrive(String agent, Collection<String> ids) {
        int partitions = registry.forReading(agent);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode redriven = out.putArray("redriven");
        ArrayNode skipped = out.putArray("skipped");
        if (ids != null) {
            Map<Integer, List<StreamMessage<String, String>>> byPartition = new TreeMap<>();
            for (String id : ids) {
                boolean found = false;
                for (int p = 0; p < partitions; p++) {
                    List<StreamMessage<String, String>> one =
                            redis.shared().sync().xrange(keys.dead(agent, p), Range.create(id, id));
                    if (!one.isEmpty()) {
                        byPartition.computeIfAbsent(p, x -> new ArrayList<>()).addAll(one);
                        found = true;
                    }
                }
                if (!found) {
                    ObjectNode s = skipped.addObject();
                    s.put("entryId", id);
                    s.put("reason", "no such dead letter");
                }
            }
            byPartition.forEach((p, entries) -> redriveBatch(agent, p, entries, redriven, skipped));
        } else {
            for (int p = 0; p < partitions; p++) {
                String after = null;
                while (true) {
                    List<StreamMessage<String, String>> page = page(agent, p, after, PAGE);
                    if (page.isEmpty()) {
                        break;
                    }
                    redriveBatch(agent, p, page, redriven, skipped);
                    after = page.get(page.size() - 1).getId();
                }
            }
        }
        out.put("count", redriven.size());
        return out;
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

    /** Deletes the given dead letters (looked for in every partition), or all when {@code ids} is null. */
    public ObjectNode purge(String agent, Collection<String> ids) {
        int partitions = registry.forReading(agent);
        var sync = redis.shared().sync();
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        long purged = 0;
        for (int p = 0; p < partitions; p++) {
            String dead = keys.dead(agent, p);
            if (ids == null) {
                Long count = redis.runSync(FleetScripts.purgeDead(keys, agent, p), ScriptOutputType.INTEGER);
                purged += count == null ? 0 : count;
            } else if (!ids.isEmpty()) {
                purged += sync.xdel(dead, ids.toArray(String[]::new));
            }
        }
        out.put("agent", agent);
        out.put("purged", purged);
        return out;
    }

    public ObjectNode usage() {
        Map<String, String> raw = redis.shared().sync().hgetall(okeys.usage());
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ObjectNode byKey = out.putObject("byKey");
        ObjectNode byAgent = out.putObject("byAgent");
        raw.forEach((field, value) -> {
            String[] parts = field.split("\\|");
            if (parts.length != 3) {
                return;
            }
            ObjectNode target = parts[0].equals("key") ? byKey : byAgent;
            ObjectNode owner = target.has(parts[1]) ? (ObjectNode) target.get(parts[1]) : target.putObject(parts[1]);
            if (parts[2].equals("cost")) {
                owner.put("cost", Double.parseDouble(value));
            } else {
                owner.put(parts[2], Long.parseLong(value));
            }
        });
        for (JsonNode group : List.of(byKey, byAgent)) {
            for (Iterator<JsonNode> it = group.elements(); it.hasNext(); ) {
                ObjectNode owner = (ObjectNode) it.next();
                owner.put(
                        "tokens",
                        owner.path("tokensIn").asLong()
                                + owner.path("tokensOut").asLong());
            }
        }
        return out;
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
