package io.agentfleet.messages;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.zip.CRC32;

/**
 * The Redis key layout. Everything of one agent type shares the hash tag {@code {A}}, so every multi-key step is one
 * atomic script on one shard, also on Redis Cluster; a run's keys share {@code {run:R}}.
 *
 * <pre>
 * prefix:{A}:tasks          stream of NORMAL-priority REQUEST messages, consumer group {@value #WORKERS_GROUP}
 * prefix:{A}:tasks:high     stream of HIGH-priority REQUEST messages, same group
 * prefix:{A}:tasks:low      stream of LOW-priority REQUEST messages, same group
 * prefix:{A}:results        stream of RESULT/ERROR messages, consumer group {@value #ORCHESTRATORS_GROUP}
 * prefix:{A}:dead           stream of dead letters (original message, reason, attempts, error, worker, time)
 * prefix:{A}:delayed        sorted set of retries and scheduled tasks (member = message JSON) scored by due time (epoch ms)
 * prefix:{A}:scheduled      hash: task id -> delayed-set member of each scheduled task not yet promoted (for cancelling)
 * prefix:{A}:done:TASKID    string: the recorded outcome of a task (first wins), expires after the retention
 * prefix:{A}:checkpoint:TASKID hash: a running task's last handler checkpoint (data, attempt, at), deleted with its
 *                           outcome, expires after the retention
 * prefix:{A}:config         hash of per-agent-type settings shared by all clients (max-backlog)
 * prefix:{A}:enqueued:TASKID string: the orchestrator enqueued this task id already (exactly-once dispatch)
 * prefix:agents            set: every agent type the fleet has served or been sent work for (the registry)
 * prefix:{run:R}:state      hash: a workflow run's state
 * prefix:{run:R}:events     stream: the run's events
 * prefix:{run:R}:cancel     string: present when the run was cancelled
 * </pre>
 *
 * <p>A hot agent type may be split into partitions: partition {@code p} of {@code A} is a full set of the agent keys
 * above under the hash tag {@code {A}} for {@code p = 0} (so one partition is the unpartitioned layout) and {@code
 * {A:p}} for {@code p >= 1}, e.g. {@code fleet:{coder:2}:tasks}; on Redis Cluster the partitions spread over shards.
 * The one-argument methods name partition 0. Field {@value #PARTITIONS_FIELD} of partition 0's config hash holds
 * the highest partition count the type was ever configured with; readers serve that many.
 *
 * @param prefix the key prefix, {@value #DEFAULT_PREFIX} by default
 */
public record StreamKeys(String prefix) {
    public static final String DEFAULT_PREFIX = "fleet";
    public static final String WORKERS_GROUP = "workers";
    public static final String ORCHESTRATORS_GROUP = "orchestrators";
    /** The stream entry field holding the message JSON. */
    public static final String MESSAGE_FIELD = "msg";
    /** The config hash field that overrides a client's backlog bound. */
    public static final String MAX_BACKLOG_FIELD = "max-backlog";
    /** The field of partition 0's config hash holding the type's registered partition count. */
    public static final String PARTITIONS_FIELD = "partitions";
    /**
     * The field of partition 0's config hash holding the tool definition a worker publishes for the type: JSON
     * {@code {"description": text, "parameters": JSON Schema of its input}}, what an agent loop offers a model.
     */
    public static final String TOOL_FIELD = "tool";
    /** Most partitions one agent type may have. */
    public static final int MAX_PARTITIONS = 64;

    public static final StreamKeys DEFAULT = new StreamKeys(DEFAULT_PREFIX);

    public StreamKeys {
        if (prefix == null || !prefix.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new InvalidMessageException("prefix", "'" + prefix + "' is not a valid key prefix");
        }
    }

    public String tasks(String agent) {
        return tasks(agent, 0);
    }

    /** Partition {@code partition}'s NORMAL task stream (the one stream of a type before priorities existed). */
    public String tasks(String agent, int partition) {
        return agentKey(agent, partition, "tasks");
    }

    /** A partition's task stream of {@code priority}: {@code tasks}, {@code tasks:high} or {@code tasks:low}. */
    public String tasks(String agent, int partition, Priority priority) {
        return agentKey(agent, partition, "tasks" + priority.streamSuffix());
    }

    public String results(String agent) {
        return results(agent, 0);
    }

    public String results(String agent, int partition) {
        return agentKey(agent, partition, "results");
    }

    public String dead(String agent) {
        return dead(agent, 0);
    }

    public String dead(String agent, int partition) {
        return agentKey(agent, partition, "dead");
    }

    public String delayed(String agent) {
        return delayed(agent, 0);
    }

    public String delayed(String agent, int partition) {
        return agentKey(agent, partition, "delayed");
    }

    /**
     * The index of scheduled tasks on one partition: a hash from task id to its member of the {@link #delayed} set,
     * written by schedule.lua and removed on promotion or cancellation, so a scheduled task is found by its id.
     */
    public String scheduled(String agent, int partition) {
        return agentKey(agent, partition, "scheduled");
    }

    /** The marker that makes a dispatcher's enqueue of {@code taskId} happen once (see enqueue.lua). */
    public String enqueued(String agent, String taskId) {
        return enqueued(agent, 0, taskId);
    }

    public String enqueued(String agent, int partition, String taskId) {
        return agentKey(agent, partition, "enqueued") + ":" + Names.requireId("taskId", taskId);
    }

    /** Partition 0's config hash also holds the type's registered partition count ({@value #PARTITIONS_FIELD}). */
    public String config(String agent) {
        return config(agent, 0);
    }

    public String config(String agent, int partition) {
        return agentKey(agent, partition, "config");
    }

    public String done(String agent, String taskId) {
        return done(agent, 0, taskId);
    }

    public String done(String agent, int partition, String taskId) {
        return donePrefix(agent, partition) + Names.requireId("taskId", taskId);
    }

    /** What {@link #done(String, int, String)} puts before the task id, for callers that build many done keys. */
    public String donePrefix(String agent, int partition) {
        return agentKey(agent, partition, "done") + ":";
    }

    /** A task's handler checkpoint: same hash tag as its stream, so the outcome script deletes it atomically. */
    public String checkpoint(String agent, int partition, String taskId) {
        return checkpointPrefix(agent, partition) + Names.requireId("taskId", taskId);
    }

    /** What {@link #checkpoint(String, int, String)} puts before the task id. */
    public String checkpointPrefix(String agent, int partition) {
        return agentKey(agent, partition, "checkpoint") + ":";
    }

    /**
     * The heartbeats of {@code group}'s consumers on one partition (a hash: consumer → last heartbeat in ms of Redis
     * time), written and read by the consumer reaper; same hash tag as the partition's streams.
     */
    public String seen(String agent, int partition, String group) {
        return agentKey(agent, partition, "seen:" + group);
    }

    /** The registry: a set of every agent type served or sent work, so nobody needs SCAN (which sees one node). */
    public String agents() {
        return prefix + ":agents";
    }

    /** The hash tag's content of partition {@code partition} of {@code agent}: {@code A} or {@code A:p}. */
    public static String tag(String agent, int partition) {
        Names.requireAgentType("agent", agent);
        requirePartition(partition);
        return partition == 0 ? agent : agent + ":" + partition;
    }

    /**
     * The partition a {@code partitionKey} maps to among {@code partitions}: CRC32 of its UTF-8 bytes modulo the
     * count, the same in every client, so one key's tasks always go to one partition while the count is unchanged.
     */
    public static int partitionFor(String partitionKey, int partitions) {
        requirePartitionCount(partitions);
        CRC32 crc = new CRC32();
        crc.update(partitionKey.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % partitions);
    }

    /** The environment variable that sets {@code agent}'s partition count: {@code FLEET_AGENTS_<TYPE>_PARTITIONS}. */
    public static String partitionsVariable(String agent) {
        return "FLEET_AGENTS_"
                + Names.requireAgentType("agent", agent)
                        .toUpperCase(Locale.ROOT)
                        .replace('-', '_')
                + "_PARTITIONS";
    }

    /** @throws InvalidMessageException unless {@code 1 <= partitions <= MAX_PARTITIONS} */
    public static int requirePartitionCount(int partitions) {
        if (partitions < 1 || partitions > MAX_PARTITIONS) {
            throw new InvalidMessageException(
                    "partitions", "must be in 1.." + MAX_PARTITIONS + ", but was " + partitions);
        }
        return partitions;
    }

    private static void requirePartition(int partition) {
        if (partition < 0 || partition >= MAX_PARTITIONS) {
            throw new InvalidMessageException(
                    "partition", "must be in 0.." + (MAX_PARTITIONS - 1) + ", but was " + partition);
        }
    }

    public String runState(String runId) {
        return runKey(runId, "state");
    }

    public String runEvents(String runId) {
        return runKey(runId, "events");
    }

    public String runCancel(String runId) {
        return runKey(runId, "cancel");
    }

    /**
     * The agent type named by a key of this layout, e.g. {@code coder} for {@code fleet:{coder}:tasks} and for
     * {@code fleet:{coder:2}:tasks}.
     */
    public String agentOf(String key) {
        String tag = tagOf(key);
        int colon = tag.indexOf(':');
        return colon < 0 ? tag : tag.substring(0, colon);
    }

    /** The partition named by a key of this layout: 0 for {@code fleet:{coder}:tasks}, 2 for {@code {coder:2}}. */
    public int partitionOf(String key) {
        String tag = tagOf(key);
        int colon = tag.indexOf(':');
        if (colon < 0) {
            return 0;
        }
        try {
            int partition = Integer.parseInt(tag.substring(colon + 1));
            requirePartition(partition);
            return partition;
        } catch (NumberFormatException e) {
            throw new InvalidMessageException("key", "'" + key + "' names no partition number");
        }
    }

    private String tagOf(String key) {
        int open = key.indexOf('{');
        int close = key.indexOf('}', open + 1);
        if (!key.startsWith(prefix + ":{") || open < 0 || close < 0) {
            throw new InvalidMessageException("key", "'" + key + "' is not an agent key under prefix " + prefix);
        }
        return key.substring(open + 1, close);
    }

    private String agentKey(String agent, int partition, String suffix) {
        return prefix + ":{" + tag(agent, partition) + "}:" + suffix;
    }

    private String runKey(String runId, String suffix) {
        return prefix + ":{run:" + Names.requireId("runId", runId) + "}:" + suffix;
    }
}
