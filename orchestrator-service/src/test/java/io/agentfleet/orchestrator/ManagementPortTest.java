package io.agentfleet.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentfleet.orchestrator.support.Api;
import io.agentfleet.orchestrator.support.Orchestrators;
import io.agentfleet.testsupport.RedisExtension;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The unauthenticated management endpoints ({@code /health}, {@code /prometheus}) can be moved off the API port with
 * {@code ENDPOINTS_ALL_PORT}, so a network policy or ingress can expose the API without them (docs/operations.md).
 */
class ManagementPortTest {
    @RegisterExtension
    static final RedisExtension redis = RedisExtension.create();

    @Test
    void healthAndMetricsMoveToTheManagementPortAndLeaveTheApiPort() {
        int management = Orchestrators.freePort();
        Map<String, String> props = Orchestrators.fastRecovery();
        props.put("endpoints.all.port", Integer.toString(management));
        try (Orchestrators.Orchestrator server = Orchestrators.orchestrator(redis.uri(), props)) {
            Api api = server.api();
            Api managementApi = new Api("http://127.0.0.1:" + management, null);
            assertEquals(200, managementApi.get("/health").status());
            assertEquals(200, managementApi.get("/prometheus").status());
            Api.Response health = api.withKey(null).get("/health");
            assertEquals(404, health.status(), health.toString());
            assertEquals("not_found", health.json().get("error").asText());
            assertEquals(404, api.withKey(null).get("/prometheus").status());
            assertEquals(200, api.get("/v1/usage").status());
            assertEquals(
                    404,
                    managementApi.withKey(Orchestrators.KEY).get("/v1/usage").status(),
                    "the API stays on its own port");
        }
    }
}
