package io.agentfleet.worker.retry;

import io.agentfleet.messages.FleetScripts;
import io.agentfleet.messages.ScriptCall;
import io.agentfleet.messages.StreamKeys;
import java.nio.charset.StandardCharsets;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;

/**
 * A promoting process for tests: runs PROMOTE on one partition in a loop, {@code batch} entries per call with a pause
 * between calls, so that several of these share the promotion of a large due set and one can be killed mid-way.
 * Arguments: Redis URI, agent type, batch, pause in ms.
 */
public final class PromoterLoop {
    private PromoterLoop() {}

    public static void main(String[] args) throws InterruptedException {
        String agent = args[1];
        int batch = Integer.parseInt(args[2]);
        long pauseMs = Long.parseLong(args[3]);
        ScriptCall call = FleetScripts.promote(StreamKeys.DEFAULT, agent, 0, batch);
        List<byte[]> keys = call.keys().stream()
                .map(k -> k.getBytes(StandardCharsets.UTF_8))
                .toList();
        byte[] script = call.script().source().getBytes(StandardCharsets.UTF_8);
        try (UnifiedJedis jedis = new UnifiedJedis(java.net.URI.create(args[0]))) {
            System.out.println("promoting " + call.firstKey());
            System.out.flush();
            long total = 0;
            while (true) {
                Object moved = jedis.eval(script, keys, call.args());
                long n = ((Number) moved).longValue();
                if (n > 0) {
                    total += n;
                    System.out.println("promoted " + total);
                    System.out.flush();
                }
                Thread.sleep(pauseMs);
            }
        }
    }
}
