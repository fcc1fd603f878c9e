package io.agentfleet.lettuce;

import io.agentfleet.messages.LuaScript;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Commands a cluster's shared connection must send to one primary's node connection rather than route by key: WAIT
 * after a write, and SCRIPT LOAD on every primary.
 */
final class PerPrimary {
    private PerPrimary() {}

    /** WAIT on the cluster connection's connection to the primary of the key's slot, the one its routed writes use. */
    static CompletableFuture<Long> awaitReplicas(
            StatefulRedisClusterConnection<String, String> cluster,
            String keyThatWasWritten,
            int replicas,
            long timeoutMs) {
        int slot = SlotHash.getSlot(keyThatWasWritten);
        RedisClusterNode primary = cluster.getPartitions().getMasterBySlot(slot);
        if (primary == null) {
            return CompletableFuture.failedFuture(
                    new IllegalStateException("no primary is known for slot " + slot + " of " + keyThatWasWritten));
        }
        // Routed writes use the connection keyed by the primary's host and port (not by its node id), so this
        // is the connection that carried the write.
        RedisURI uri = primary.getUri();
        return cluster.getConnectionAsync(uri.getHost(), uri.getPort())
                .thenCompose(node -> node.async().waitForReplication(replicas, timeoutMs));
    }

    /** SCRIPT LOAD of {@code scripts} on every primary of the cluster. */
    static void loadScripts(StatefulRedisClusterConnection<String, String> cluster, List<LuaScript> scripts) {
        for (RedisClusterNode node : cluster.getPartitions()) {
            if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
                RedisURI uri = node.getUri();
                var commands =
                        cluster.getConnection(uri.getHost(), uri.getPort()).sync();
                for (LuaScript script : scripts) {
                    commands.scriptLoad(script.source());
                }
            }
        }
    }
}
