package io.agentfleet.worker.llm;

import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.messages.LuaScript;
import io.agentfleet.messages.ScriptCall;
import io.agentfleet.worker.spi.HandlerFailure;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Provider rate limits shared by every worker replica: a token bucket per provider endpoint in Redis
 * ({@code prefix:ratelimit:{endpointId}}, see {@code token_bucket.lua}), debited atomically before each call. The
 * endpoint id is a hash of base URL and key, never the key. It runs through the worker's {@link FleetRedis}, so on a
 * cluster the bucket lives on the shard of its own hash tag.
 */
final class RedisTokenBucket {
    static final String SCRIPT_RESOURCE = "token_bucket.lua";
    /** Jitter added to each wait, so replicas woken together do not collide again. */
    private static final double JITTER = 0.2;

    private final FleetRedis redis;
    private final String prefix;
    private final Clock clock;
    private final LuaScript script;

    RedisTokenBucket(FleetRedis redis, String prefix, Clock clock) {
        this.redis = redis;
        this.prefix = prefix;
        this.clock = clock;
        String source = loadScript();
        this.script = new LuaScript(SCRIPT_RESOURCE, source, sha1Of(source));
    }

    String keyOf(LlmSettings settings) {
        return prefix + ":ratelimit:{" + settings.endpointId() + "}";
    }

    /**
     * Blocks until the endpoint's bucket grants one request and {@code tokens}, or fails when that cannot happen
     * before {@code deadline}.
     *
     * @throws HandlerFailure retryable {@code RATE_LIMITED} (with retryAfter) when the wait outlasts the deadline, or
     *     {@code RATE_LIMITER_UNAVAILABLE} when Redis cannot be reached
     */
    void acquire(LlmSettings settings, long tokens, Instant deadline) throws InterruptedException {
        if (!settings.isRateLimited()) {
            return;
        }
        String key = keyOf(settings);
        while (true) {
            long waitMs = tryTake(settings, key, tokens);
            if (waitMs <= 0) {
                return;
            }
            Duration wait = Duration.ofMillis(waitMs
                    + (long) (waitMs * JITTER * ThreadLocalRandom.current().nextDouble()));
            if (deadline != null && clock.instant().plus(wait).isAfter(deadline)) {
                throw HandlerFailure.retryableAfter(
                        "RATE_LIMITED",
                        "the shared rate limit of " + settings.baseUrl().getHost()
                                + " (" + settings.requestsPerMinute() + " requests/min, " + settings.tokensPerMinute()
                                + " tokens/min) leaves no room before the task's deadline",
                        wait);
            }
            Thread.sleep(wait);
        }
    }

    /** One attempt: 0 when granted, else the milliseconds to wait. */
    long tryTake(LlmSettings settings, String key, long tokens) {
        ScriptCall call = new ScriptCall(
                script,
                List.of(key),
                List.of(
                        utf8(Integer.toString(settings.requestsPerMinute())),
                        utf8(Integer.toString(settings.tokensPerMinute())),
                        utf8(Long.toString(Math.max(0, tokens))),
                        utf8(Long.toString(settings.rateLimitBurst().toMillis()))));
        try {
            Long wait = redis.runSync(call, ScriptOutputType.INTEGER);
            return wait == null ? 0 : wait;
        } catch (RedisException | IllegalStateException e) {
            throw HandlerFailure.retryable(
                    "RATE_LIMITER_UNAVAILABLE",
                    "cannot reach Redis for the rate limit of "
                            + settings.baseUrl().getHost() + ": " + withoutPassword(e.getMessage()));
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Lettuce may name the Redis URL in its messages; a password in it must not reach a dead letter. */
    static String withoutPassword(String message) {
        return message == null ? "" : message.replaceAll("(rediss?://)[^@/\\s]*@", "$1***@");
    }

    private static String loadScript() {
        try (InputStream in = RedisTokenBucket.class.getResourceAsStream(SCRIPT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("Lua script resource missing: " + SCRIPT_RESOURCE);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + SCRIPT_RESOURCE, e);
        }
    }

    private static String sha1Of(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 unavailable", e);
        }
    }
}
