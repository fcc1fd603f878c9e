package io.agentfleet.worker.llm;

import static io.agentfleet.worker.llm.LlmTasks.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.lettuce.FleetRedisOptions;
import io.agentfleet.messages.RedisTarget;
import io.agentfleet.testsupport.RedisExtension;
import io.agentfleet.worker.spi.HandlerFailure;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisTokenBucketTest {
    @RegisterExtension
    static final RedisExtension redis = RedisExtension.create();

    private static FleetRedis connection;

    @BeforeAll
    static void connect() {
        connection = FleetRedis.connect(RedisTarget.parse(redis.uri()), FleetRedisOptions.DEFAULTS);
    }

    @AfterAll
    static void disconnect() {
        connection.close();
    }

    private static LlmSettings limited(int requestsPerMinute, int tokensPerMinute) {
        return config().set("llm", "base-url", "http://127.0.0.1:9/v1")
                .set("llm", "requests-per-minute", requestsPerMinute)
                .set("llm", "tokens-per-minute", tokensPerMinute)
                .set("llm", "rate-limit-burst", "1s")
                .load("llm");
    }

    @Test
    void bucketGrantsItsBurstThenAsksToWaitForTheRefill() {
        RedisTokenBucket bucket = new RedisTokenBucket(connection, "fleet", Clock.systemUTC());
        LlmSettings settings = limited(600, 0); // 10 per second, capacity 10 over a 1 s burst window
        String key = bucket.keyOf(settings);

        int granted = 0;
        long wait = 0;
        while (wait == 0 && granted < 100) {
            wait = bucket.tryTake(settings, key, 1);
            granted += wait == 0 ? 1 : 0;
        }

        assertTrue(granted >= 10 && granted <= 11, "burst of about the capacity, was " + granted);
        assertTrue(wait > 0 && wait <= 100, "wait for one request's refill (100 ms at 10/s), was " + wait);
    }

    @Test
    void tokenLimitHoldsBackALargeCallUntilTheBucketCoversIt() {
        RedisTokenBucket bucket = new RedisTokenBucket(connection, "fleet", Clock.systemUTC());
        LlmSettings settings = limited(0, 60_000); // 1,000 tokens per second, capacity 1,000
        String key = bucket.keyOf(settings);

        assertEquals(0, bucket.tryTake(settings, key, 800));
        long wait = bucket.tryTake(settings, key, 800);

        assertTrue(wait > 0 && wait <= 800, "wait for about 600 tokens' refill, was " + wait);
    }

    @Test
    void waitBeyondTheDeadlineFailsRetryablyWithRetryAfter() {
        RedisTokenBucket bucket = new RedisTokenBucket(connection, "fleet", Clock.systemUTC());
        LlmSettings settings = limited(1, 0); // one request a minute
        bucket.tryTake(settings, bucket.keyOf(settings), 1);

        HandlerFailure failure = assertThrows(
                HandlerFailure.class,
                () -> bucket.acquire(settings, 1, Clock.systemUTC().instant().plusSeconds(1)));

        assertEquals("RATE_LIMITED", failure.failure().type());
        assertTrue(failure.failure().retryable());
        assertTrue(
                failure.failure().retryAfter().compareTo(Duration.ofSeconds(30)) > 0,
                failure.failure().toString());
    }
}
