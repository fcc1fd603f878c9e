package io.agentfleet.lettuce;

import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;

/**
 * A connection and its commands as the interfaces both standalone and cluster connections implement, so callers do
 * not care which they got. On a cluster, keyed commands are routed by their first key and follow MOVED/ASK.
 *
 * @param connection the connection (close it through {@link #close()} when it is a dedicated one)
 * @param sync blocking commands
 * @param async asynchronous commands, pipelined on the connection
 */
public record FleetConnection<K, V>(
        StatefulConnection<K, V> connection, RedisClusterCommands<K, V> sync, RedisClusterAsyncCommands<K, V> async)
        implements AutoCloseable {

    public boolean isOpen() {
        return connection.isOpen();
    }

    @Override
    public void close() {
        connection.closeAsync();
    }
}
