package io.agentfleet.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentfleet.orchestrator.support.Api;
import io.agentfleet.orchestrator.support.Orchestrators;
import io.agentfleet.testsupport.Await;
import io.agentfleet.testsupport.RedisExtension;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * While Redis is gone (killed, or a failover in progress) the API answers 503 {@code redis_unavailable} with
 * Retry-After, never a 500 with an exception text; once Redis is back, the same orchestrator process serves again.
 */
class RedisOutageTest {
    @RegisterExtension
    static final RedisExtension redis = RedisExtension.owned();

    private static final String WORKFLOW = "{\"tasks\":[{\"id\":\"a\",\"agent\":\"t-researcher\",\"input\":\"x\"}]}";

    @Test
    void aSubmitWhileRedisIsDownIsA503WithRetryAfterAndTheServiceRecovers() {
        try (Orchestrators.Orchestrator orchestrator =
                Orchestrators.orchestrator(redis.uri(), Map.of("fleet.orchestrator.allowed-agents", "t-researcher"))) {
            Api api = orchestrator.api();
            assertEquals(202, api.post("/v1/workflows", WORKFLOW).status());

            redis.kill();
            Api.Response refused = api.post("/v1/workflows", WORKFLOW);
            assertEquals(503, refused.status(), refused.toString());
            assertEquals("redis_unavailable", refused.json().get("error").asText());
            assertEquals("1", refused.header("Retry-After"));

            redis.start();
            Await.until(
                    Duration.ofSeconds(60),
                    () -> api.post("/v1/workflows", WORKFLOW).status() == 202,
                    "the orchestrator to accept work again once Redis is back");
        }
    }
}
