package io.agentfleet.client;

import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.messages.StreamKeys;
import java.util.Map;
import java.util.function.Function;

/** Looks up the partition count configured for an agent type in this process, as {@link FleetClientOptions} says. */
final class ConfiguredPartitions {
    private ConfiguredPartitions() {}

    /** See {@link FleetClientOptions#configuredPartitions(String)}. */
    static int of(String agent, Map<String, Integer> partitions, Function<String, String> environment) {
        Integer explicit = partitions.get(agent);
        if (explicit != null) {
            return explicit;
        }
        String variable = StreamKeys.partitionsVariable(agent);
        String value = environment == null ? null : environment.apply(variable);
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            return StreamKeys.requirePartitionCount(Integer.parseInt(value.trim()));
        } catch (NumberFormatException e) {
            throw new InvalidMessageException(variable, "must be a partition count, but was '" + value + "'");
        }
    }
}
