package io.agentfleet.orchestrator.idempotency;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.messages.Ids;
import io.agentfleet.orchestrator.config.OrchestratorConfig;
import io.agentfleet.orchestrator.http.ApiException;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.micronaut.http.HttpStatus;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;
import org.apache.commons.codec.digest.DigestUtils;

/**
 * Runs a submission at most once per tenant and {@code Idempotency-Key} within the retention window.
 *
 * <p>The first request claims the key in Redis ({@code SET NX}) together with a run id chosen up front, then starts
 * the run under that id and stores its response. A repeat with the same body waits while the claim is fresh and then
 * returns the stored response; a repeat with another body is a 409. A claim left without a response for {@link
 * #STALE_AFTER} (its replica died) is taken over by the repeat, which starts the run under the same id: run creation is
 * atomic on the run's id, so however many repeats take over, one run exists.
 */
@Singleton
public final class IdempotentSubmissions {
    static final Duration STALE_AFTER = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofMillis(20);

    private final FleetRedis redis;
    private final String prefix;
    private final Duration window;
    private final Clock clock;

    public IdempotentSubmissions(FleetRedis redis, OrchestratorConfig config, Clock clock) {
        this.redis = redis;
        this.prefix = config.keys().prefix();
        this.window = config.http().idempotencyWindow();
        this.clock = clock;
    }

    /** A fingerprint of a submission: its route and its body as parsed JSON (so whitespace does not matter). */
    public static String fingerprint(String route, JsonNode body) {
        return DigestUtils.sha256Hex(route + "\n" + body.toString());
    }

    /**
     * The response to the submission {@code fingerprint} under {@code key}: the stored one when it ran before, else
     * that of {@code start} applied to the run id to create the run under. {@code start} must answer the same way
     * when a run with that id exists already (a takeover raced with another).
     */
    public Answer submit(
            String tenant, IdempotencyKey key, String fingerprint, Function<String, StoredResponse> start) {
        String redisKey = redisKey(tenant, key);
        RedisClusterCommands<String, String> sync = redis.shared().sync();
        long waitUntil = clock.millis() + STALE_AFTER.toMillis();
        while (true) {
            Claim fresh = new Claim(fingerprint, Ids.newId(clock.millis()), clock.millis(), null);
            if ("OK"
                    .equals(sync.set(
                            redisKey, fresh.toJson(), SetArgs.Builder.nx().px(window.toMillis())))) {
                return run(sync, redisKey, fresh, start);
            }
            String held = sync.get(redisKey);
            if (held == null) {
                continue;
            }
            Claim claim = Claim.fromJson(held);
            if (!claim.fingerprint().equals(fingerprint)) {
                throw new ApiException(
                        HttpStatus.CONFLICT,
                        "conflict",
                        IdempotencyKey.HEADER,
                        IdempotencyKey.HEADER + " '" + key.value()
                                + "' was used before with a different request; use a new key for a new request");
            }
            if (claim.response() != null) {
                return new Answer(claim.response(), true);
            }
            long now = clock.millis();
            if (now - claim.claimedAt() >= STALE_AFTER.toMillis()) {
                return run(sync, redisKey, claim, start);
            }
            if (now >= waitUntil) {
                throw new ApiException(
                        HttpStatus.CONFLICT,
                        "conflict",
                        IdempotencyKey.HEADER,
                        "a request with " + IdempotencyKey.HEADER + " '" + key.value()
                                + "' is still being processed; repeat it later");
            }
            sleep();
        }
    }

    private Answer run(
            RedisClusterCommands<String, String> sync,
            String redisKey,
            Claim claim,
            Function<String, StoredResponse> start) {
        StoredResponse response;
        try {
            response = start.apply(claim.runId());
        } catch (RuntimeException e) {
            // Nothing was started (or what was started ended at once, e.g. refused by backpressure): the key is free
            // again, so the caller's repeat is a new attempt rather than a replay of the refusal.
            sync.del(redisKey);
            throw e;
        }
        sync.set(
                redisKey,
                claim.answered(response).toJson(),
                SetArgs.Builder.xx().keepttl());
        return new Answer(response, false);
    }

    /** A submission's response, and whether it is the stored response of an earlier request with the same key. */
    public record Answer(StoredResponse response, boolean replayed) {}

    private String redisKey(String tenant, IdempotencyKey key) {
        return prefix + ":idempotency:" + tenant + ":" + DigestUtils.sha256Hex(key.value());
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for an idempotent submission", e);
        }
    }
}
