package io.agentfleet.worker.lease;

import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.messages.StreamKeys;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.ArrayOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Renews the lease of a worker's in-flight entries: {@code XCLAIM key group me 0 id... JUSTID} resets their idle time
 * (without counting a delivery), so nobody reclaims a task whose worker is alive, however long it runs.
 */
public final class LeaseRenewer {
    static final int IDS_PER_CALL = 1000;

    private final String stream;
    private final String consumer;
    private final FleetRedis redis;

    public LeaseRenewer(String stream, String consumer, FleetRedis redis) {
        this.stream = stream;
        this.consumer = consumer;
        this.redis = redis;
    }

    /** Renews all given entries (one pipelined XCLAIM per thousand ids); returns how many Redis still had pending. */
    public int renew(Collection<String> entryIds) throws Exception {
        if (entryIds.isEmpty()) {
            return 0;
        }
        List<CompletableFuture<List<Object>>> calls = new ArrayList<>();
        List<String> chunk = new ArrayList<>(Math.min(IDS_PER_CALL, entryIds.size()));
        for (String id : entryIds) {
            chunk.add(id);
            if (chunk.size() == IDS_PER_CALL) {
                calls.add(claim(chunk));
                chunk.clear();
            }
        }
        if (!chunk.isEmpty()) {
            calls.add(claim(chunk));
        }
        int renewed = 0;
        for (CompletableFuture<List<Object>> call : calls) {
            List<Object> ids = call.get(30, TimeUnit.SECONDS);
            renewed += ids == null ? 0 : ids.size();
        }
        return renewed;
    }

    private CompletableFuture<List<Object>> claim(List<String> ids) {
        CommandArgs<String, String> args = new CommandArgs<>(StringCodec.UTF8)
                .addKey(stream)
                .add(StreamKeys.WORKERS_GROUP)
                .add(consumer)
                .add(0L);
        for (String id : ids) {
            args.add(id);
        }
        args.add("JUSTID");
        return redis.shared()
                .async()
                .dispatch(CommandType.XCLAIM, new ArrayOutput<>(StringCodec.UTF8), args)
                .toCompletableFuture();
    }
}
