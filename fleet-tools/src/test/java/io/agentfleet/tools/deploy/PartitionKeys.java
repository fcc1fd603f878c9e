package io.agentfleet.tools.deploy;

import io.agentfleet.messages.StreamKeys;

/**
 * The keys of partition {@code p} of an agent type, as CONTRACT.md fixes them: hash tag {@code {A}} for p = 0 (today's
 * keys) and {@code {A:p}} for p ≥ 1, e.g. {@code fleet:{coder:2}:tasks}.
 *
 * <p>TODO(lead): replace with {@code StreamKeys.tasks(agent, p)} and friends once the partitioned StreamKeys is on
 * main, so that the deploy checks follow the code instead of this copy of the rule.
 */
final class PartitionKeys {
    private static final StreamKeys KEYS = StreamKeys.DEFAULT;

    private PartitionKeys() {}

    /** Partition 0 is the one-argument StreamKeys layout; the others differ only in the hash tag. */
    private static String key(String agent, int partition, String suffix) {
        String zero = switch (suffix) {
            case "tasks" -> KEYS.tasks(agent);
            case "results" -> KEYS.results(agent);
            case "dead" -> KEYS.dead(agent);
            case "delayed" -> KEYS.delayed(agent);
            case "config" -> KEYS.config(agent);
            case "done" -> KEYS.prefix() + ":{" + agent + "}:done";
            default -> throw new IllegalArgumentException(suffix);
        };
        return zero.replace("{" + agent + "}", "{" + tag(agent, partition) + "}");
    }

    /** The hash-tag name of partition {@code p}: {@code A} for 0, {@code A:p} otherwise. */
    static String tag(String agent, int partition) {
        if (partition < 0) {
            throw new IllegalArgumentException("partition " + partition + " of " + agent);
        }
        return partition == 0 ? agent : agent + ":" + partition;
    }

    static String tasks(String agent, int partition) {
        return key(agent, partition, "tasks");
    }

    static String results(String agent, int partition) {
        return key(agent, partition, "results");
    }

    static String dead(String agent, int partition) {
        return key(agent, partition, "dead");
    }

    static String delayed(String agent, int partition) {
        return key(agent, partition, "delayed");
    }

    static String config(String agent, int partition) {
        return key(agent, partition, "config");
    }

    static String done(String agent, int partition, String taskId) {
        return key(agent, partition, "done") + ":" + taskId;
    }

    /** The registry of agent types (CONTRACT.md): a set, SADD by workers and producers, read by status and metrics. */
    static String registry() {
        return KEYS.prefix() + ":agents";
    }
}
