package io.agentfleet.client;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.DeadLetter;
import io.agentfleet.messages.DeadLetterReason;
import io.agentfleet.messages.ErrorContent;
import io.agentfleet.messages.ErrorReason;
import io.agentfleet.messages.Failure;
import io.agentfleet.messages.FleetScripts;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.MessageType;
import io.agentfleet.messages.Metadata;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.testsupport.RedisCluster;
import io.agentfleet.testsupport.RedisExtension;
import io.agentfleet.testsupport.RedisRole;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Stands in for a worker: reads tasks of one partition of an agent type through the workers group and records
 * outcomes with RECORD_OUTCOMES in that partition, as the worker does. Works on one node and on Redis Cluster (every
 * key of a call is in the partition's slot).
 */
public final class FakeWorker {
    public static final String NAME = "fake-worker-1";
    private static final MessageCodec CODEC = new MessageCodec();

    private final UnifiedJedis jedis;
    private final StreamKeys keys;
    private final String agent;
    private final int partition;

    public FakeWorker(UnifiedJedis jedis, StreamKeys keys, String agent) {
        this(jedis, keys, agent, 0);
    }

    public FakeWorker(UnifiedJedis jedis, StreamKeys keys, String agent, int partition) {
        this.jedis = jedis;
        this.keys = keys;
        this.agent = agent;
        this.partition = partition;
    }

    /** Keys in the whole backend: DBSIZE of the node, or summed over a cluster's primaries. */
    public static long keyCount(RedisExtension redis) {
        if (!redis.isCluster()) {
            try (UnifiedJedis jedis = redis.client()) {
                return jedis.dbSize();
            }
        }
        long keys = 0;
        for (RedisCluster.Node node : redis.cluster().nodes()) {
            if (node.role() == RedisRole.PRIMARY) {
                try (Jedis jedis = new Jedis(node.hostAndPort())) {
                    keys += jedis.dbSize();
                }
            }
        }
        return keys;
    }

    public static ObjectNode json(String field, String value) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put(field, value);
        return node;
    }

    public void createGroup() {
        try {
            jedis.xgroupCreate(keys.tasks(agent, partition), StreamKeys.WORKERS_GROUP, new StreamEntryID(0, 0), true);
        } catch (JedisDataException e) {
            if (!e.getMessage().startsWith("BUSYGROUP")) {
                throw e;
            }
        }
    }

    /** Delivers up to {@code count} new tasks to this fake worker (they become pending). */
    public List<StreamEntry> take(int count) {
        createGroup();
        List<Map.Entry<String, List<StreamEntry>>> reply = jedis.xreadGroup(
                StreamKeys.WORKERS_GROUP,
                NAME,
                XReadGroupParams.xReadGroupParams().count(count),
                Map.of(keys.tasks(agent, partition), StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
        return reply == null || reply.isEmpty() ? List.of() : reply.getFirst().getValue();
    }

    public StreamEntry takeOne() {
        List<StreamEntry> entries = take(1);
        if (entries.isEmpty()) {
            throw new AssertionError("no task on " + keys.tasks(agent, partition));
        }
        return entries.getFirst();
    }

    public static AgentMessage task(StreamEntry entry) {
        return CODEC.decode(entry.getFields().get(StreamKeys.MESSAGE_FIELD));
    }

    public long complete(StreamEntry entry, ObjectNode output, Metadata usage) {
        AgentMessage task = task(entry);
        return record(entry, task.resultOf(agent, output, usage), "", 0, "");
    }

    public long deadLetter(StreamEntry entry, DeadLetterReason reason, Failure failure) {
        AgentMessage task = task(entry);
        return record(
                entry,
                task.errorOf(agent, ErrorContent.deadLettered(reason, failure)),
                reason.name(),
                task.attempt(),
                failure.type() + ": " + failure.message());
    }

    public long cancel(StreamEntry entry) {
        AgentMessage task = task(entry);
        return record(
                entry,
                task.errorOf(
                        agent,
                        new ErrorContent(ErrorReason.CANCELLED, Failure.permanent("CANCELLED", "run cancelled"))),
                "",
                0,
                "");
    }

    public long askForClarification(StreamEntry entry, ObjectNode question) {
        AgentMessage task = task(entry);
        AgentMessage outcome = task.resultOf(agent, question, Metadata.EMPTY).toBuilder()
                .type(MessageType.CLARIFICATION_NEEDED)
                .build();
        return record(entry, outcome, "", 0, "");
    }

    private long record(StreamEntry entry, AgentMessage outcome, String deadReason, int attempts, String error) {
        List<String> scriptKeys = List.of(
                keys.tasks(agent, partition),
                keys.results(agent, partition),
                keys.dead(agent, partition),
                keys.done(agent, partition, outcome.taskId()),
                keys.checkpoint(agent, partition, outcome.taskId()));
        List<String> args = new ArrayList<>(
                List.of(StreamKeys.WORKERS_GROUP, "3600", "0", "0", Long.toString(System.currentTimeMillis()), NAME));
        args.addAll(List.of(entry.getID().toString(), "4", CODEC.encode(outcome), outcome.taskId(), deadReason));
        if (!deadReason.isEmpty()) {
            String original = entry.getFields().get(StreamKeys.MESSAGE_FIELD);
            args.addAll(List.of(Integer.toString(attempts), error, original, DeadLetter.tenantOf(original)));
        }
        Object reply = jedis.eval(FleetScripts.RECORD_OUTCOMES.source(), scriptKeys, args);
        return (Long) ((List<?>) reply).getFirst();
    }
}
