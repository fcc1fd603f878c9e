package io.agentfleet.orchestrator.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.DeadLetter;
import io.agentfleet.messages.FleetScripts;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.Names;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.orchestrator.config.OrchestratorConfig;
import io.agentfleet.orchestrator.redis.Redis;
import io.agentfleet.orchestrator.workflow.OrchestratorKeys;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Operator views and actions: per-agent-type stream health, dead letters (list, redrive, purge), usage. */
@Singleton
public class FleetAdmin {
    private static final int PAGE = 100;

    private final Redis redis;
    private final StreamKeys keys;
    private final OrchestratorKeys okeys;
    private final MessageCodec codec;
    private final java.util.Set<String> allowedAgents;

    public FleetAdmin(Redis redis, OrchestratorConfig config, MessageCodec codec) {
        this.redis = redis;
        this.keys = config.keys();
        this.okeys = new OrchestratorKeys(config.keys());
        this.codec = codec;
        this.allowedAgents = config.allowedAgents();
    }

    /**
     * Agent types used by runs or allowed by configuration; with {@code scan}, also every agent type that has a task
     * stream (a SCAN over the whole keyspace, so only on request).
     */
    public List<String> agentTypes(boolean scan) {
        TreeSet<String> agents = new TreeSet<>(redis.sync().smembers(okeys.agents()));
        agents.addAll(allowedAgents);
        if (!scan) {
            return List.copyOf(agents);
        }
        ScanCursor cursor = ScanCursor.INITIAL;
        String match = keys.prefix() + ":{*}:tasks";
        do {
            KeyScanCursor<String> page =
                    redis.sync().scan(cursor, ScanArgs.Builder.matches(match).limit(1000));
            for (String key : page.getKeys()) {
                try {
                    agents.add(keys.agentOf(key));
                } catch (InvalidMessageException e) {
                    // Not a key of this layout (e.g. a run key); ignore.
                }
            }
            cursor = page;
        } while (!cursor.isFinished());
        agents.removeIf(a -> !Names.isAgentType(a));
        return List.copyOf(agents);
    }

    public ObjectNode agents(boolean scan) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode list = out.putArray("agents");
        for (String agent : agentTypes(scan)) {
            list.add(agent(agent));
        }
        return out;
    }

    public ObjectNode agent(String agent) {
        var sync = redis.sync();
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("agent", agent);
        n.put("stream", keys.tasks(agent));
        n.put("length", sync.xlen(keys.tasks(agent)));
        n.put("delayed", sync.zcard(keys.delayed(agent)));
        n.put("deadLetters", sync.xlen(keys.dead(agent)));
        n.put("results", sync.xlen(keys.results(agent)));
        Map<String, Object> group = group(keys.tasks(agent), StreamKeys.WORKERS_GROUP);
        n.put("lag", toLong(group.get("lag")));
        n.put("pending", toLong(group.get("pending")));
        ArrayNode consumers = n.putArray("consumers");
        if (!group.isEmpty()) {
            try {
                for (Object c : sync.xinfoConsumers(keys.tasks(agent), StreamKeys.WORKERS_GROUP)) {
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
            for (Object g : redis.sync().xinfoGroups(stream)) {
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

    public ObjectNode deadLetters(String agent, String after, int count) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("agent", agent);
        out.put("total", redis.sync().xlen(keys.dead(agent)));
        ArrayNode list = out.putArray("deadLetters");
        List<StreamMessage<String, String>> page = redis.sync()
                .xrange(keys.dead(agent), Range.create(after == null ? "-" : "(" + after, "+"), Limit.from(count));
        for (StreamMessage<String, String> entry : page) {
            DeadLetter dl = DeadLetter.fromFields(entry.getId(), agent, entry.getBody());
            ObjectNode n = list.addObject();
            n.put("entryId", dl.entryId());
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
            out.put("next", page.get(page.size() - 1).getId());
        }
        return out;
    }

    /** Redrives the given dead-letter entries, or all when {@code ids} is null. */
    public ObjectNode redrive(String agent, Collection<String> ids) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode redriven = out.putArray("redriven");
        ArrayNode skipped = out.putArray("skipped");
        if (ids != null) {
            List<StreamMessage<String, String>> entries = new ArrayList<>();
            for (String id : ids) {
                List<StreamMessage<String, String>> one = redis.sync().xrange(keys.dead(agent), Range.create(id, id));
                if (one.isEmpty()) {
                    ObjectNode s = skipped.addObject();
                    s.put("entryId", id);
                    s.put("reason", "no such dead letter");
                } else {
                    entries.addAll(one);
                }
            }
            redriveBatch(agent, entries, redriven, skipped);
        } else {
            String after = null;
            while (true) {
                List<StreamMessage<String, String>> page = redis.sync()
                        .xrange(
                                keys.dead(agent),
                                Range.create(after == null ? "-" : "(" + after, "+"),
                                Limit.from(PAGE));
                if (page.isEmpty()) {
                    break;
                }
                redriveBatch(agent, page, redriven, skipped);
                after = page.get(page.size() - 1).getId();
            }
        }
        out.put("count", redriven.size());
        return out;
    }

    private void redriveBatch(
            String agent, List<StreamMessage<String, String>> entries, ArrayNode redriven, ArrayNode skipped) {
        if (entries.isEmpty()) {
            return;
        }
        List<String> scriptKeys = new ArrayList<>(List.of(keys.dead(agent), keys.tasks(agent)));
        List<String> args = new ArrayList<>();
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
            scriptKeys.add(keys.done(agent, message.taskId()));
            args.add(dl.entryId());
            args.add(Integer.toString(scriptKeys.size()));
            args.add(codec.encode(message));
            sent.add(dl);
        }
        if (sent.isEmpty()) {
            return;
        }
        List<Object> ids = redis.eval(
                FleetScripts.REDRIVE,
                ScriptOutputType.MULTI,
                scriptKeys.toArray(String[]::new),
                args.toArray(String[]::new));
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
                r.put("newEntryId", String.valueOf(id));
            }
        }
    }

    /** Deletes the given dead letters, or all when {@code ids} is null. */
    public ObjectNode purge(String agent, Collection<String> ids) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        long purged;
        if (ids == null) {
            purged = redis.sync().xlen(keys.dead(agent));
            redis.sync().del(keys.dead(agent));
        } else {
            purged = ids.isEmpty() ? 0 : redis.sync().xdel(keys.dead(agent), ids.toArray(String[]::new));
        }
        out.put("agent", agent);
        out.put("purged", purged);
        return out;
    }

    public ObjectNode usage() {
        Map<String, String> raw = redis.sync().hgetall(okeys.usage());
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
