package io.agentfleet.messages;

/**
 * The Redis key layout. Everything of one agent type shares the hash tag {@code {A}}, so every multi-key step is one
 * atomic script on one shard, also on Redis Cluster; a run's keys share {@code {run:R}}.
 *
 * <pre>
 * prefix:{A}:tasks          stream of REQUEST messages, consumer group {@value #WORKERS_GROUP}
 * prefix:{A}:results        stream of RESULT/ERROR messages, consumer group {@value #ORCHESTRATORS_GROUP}
 * prefix:{A}:dead           stream of dead letters (original message, reason, attempts, error, worker, time)
 * prefix:{A}:delayed        sorted set of retries scored by due time (epoch ms)
 * prefix:{A}:done:TASKID    string: the recorded outcome of a task (first wins), expires after the retention
 * prefix:{A}:config         hash of per-agent-type settings shared by all clients (max-backlog)
 * prefix:{A}:enqueued:TASKID string: the orchestrator enqueued this task id already (exactly-once dispatch)
 * prefix:{run:R}:state      hash: a workflow run's state
 * prefix:{run:R}:events     stream: the run's events
 * prefix:{run:R}:cancel     string: present when the run was cancelled
 * </pre>
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

    public static final StreamKeys DEFAULT = new StreamKeys(DEFAULT_PREFIX);

    public StreamKeys {
        if (prefix == null || !prefix.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new InvalidMessageException("prefix", "'" + prefix + "' is not a valid key prefix");
        }
    }

    public String tasks(String agent) {
        return agentKey(agent, "tasks");
    }

    public String results(String agent) {
        return agentKey(agent, "results");
    }

    public String dead(String agent) {
        return agentKey(agent, "dead");
    }

    public String delayed(String agent) {
        return agentKey(agent, "delayed");
    }

    /** The marker that makes a dispatcher's enqueue of {@code taskId} happen once (see enqueue.lua). */
    public String enqueued(String agent, String taskId) {
        return agentKey(agent, "enqueued") + ":" + Names.requireId("taskId", taskId);
    }

    public String config(String agent) {
        return agentKey(agent, "config");
    }

    public String done(String agent, String taskId) {
        return agentKey(agent, "done") + ":" + Names.requireId("taskId", taskId);
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

    /** The agent type named by a key of this layout, e.g. {@code coder} for {@code fleet:{coder}:tasks}. */
    public String agentOf(String key) {
        int open = key.indexOf('{');
        int close = key.indexOf('}', open + 1);
        if (!key.startsWith(prefix + ":{") || open < 0 || close < 0) {
            throw new InvalidMessageException("key", "'" + key + "' is not an agent key under prefix " + prefix);
        }
        return key.substring(open + 1, close);
    }

    private String agentKey(String agent, String suffix) {
        return prefix + ":{" + Names.requireAgentType("agent", agent) + "}:" + suffix;
    }

    private String runKey(String runId, String suffix) {
        return prefix + ":{run:" + Names.requireId("runId", runId) + "}:" + suffix;
    }
}
