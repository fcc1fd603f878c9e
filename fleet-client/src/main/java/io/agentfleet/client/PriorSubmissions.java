package io.agentfleet.client;

import io.agentfleet.messages.Priority;
import io.agentfleet.messages.StreamKeys;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.XPendingParams;

/**
 * Where a task submitted before under the same id is now, read from its "enqueued once" marker (the stream entry id it
 * was appended as), its done key, and its task stream. All of these share the partition's hash tag.
 */
final class PriorSubmissions {
    private final StreamKeys keys;
    private final RedisGateway redis;

    PriorSubmissions(StreamKeys keys, RedisGateway redis) {
        this.keys = keys;
        this.redis = redis;
    }

    Submission find(String agent, String taskId, int partition, Priority priority) {
        return redis.call("looking up the earlier submission of task " + taskId, jedis -> {
            String entryId = jedis.get(keys.enqueued(agent, partition, taskId));
            TaskHandle handle = new TaskHandle(agent, taskId, entryId, partition);
            // A task only moves forward (queued, running, completed), so asking in that order backwards cannot miss
            // it while it moves.
            if (entryId != null && entryId.contains("-")) {
                String stream = keys.tasks(agent, partition, priority);
                StreamEntryID id = new StreamEntryID(entryId);
                if (delivered(jedis, stream, id)) {
                    return new Submission(handle, Submission.Status.RUNNING);
                }
                if (!jedis.xrange(stream, id, id, 1).isEmpty()) {
                    return new Submission(handle, Submission.Status.QUEUED);
                }
            }
            return new Submission(
                    handle,
                    jedis.exists(keys.done(agent, partition, taskId))
                            ? Submission.Status.COMPLETED
                            : Submission.Status.SUBMITTED_BEFORE);
        });
    }

    /** Whether the entry was read by a worker and not acknowledged (no group yet: nobody read it). */
    private static boolean delivered(UnifiedJedis jedis, String stream, StreamEntryID id) {
        try {
            return !jedis.xpending(stream, StreamKeys.WORKERS_GROUP, XPendingParams.xPendingParams(id, id, 1))
                    .isEmpty();
        } catch (JedisDataException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("NOGROUP")) {
                return false;
            }
            throw e;
        }
    }
}
