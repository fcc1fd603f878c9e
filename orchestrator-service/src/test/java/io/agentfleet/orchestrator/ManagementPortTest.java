package io.agentfleet.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.agentfleet.orchestrator.support.Api;
import io.agentfleet.orchestrator.support.Orchestrators;
import io.agentfleet.testsupport.RedisExtension;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The unauthenticated management endpoints ({@code /health}, {@code /prometheus}) can be moved off the API port with
 * {@code ENDPOINTS_ALL_PORT}, so a network policy or ingress can expose the API without them (docs/operations.md).
 */
class ManagementPortTest {
    private static final int PORT_ATTEMPTS = 3;

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.create();

    @Test
    void healthAndMetricsMoveToTheManagementPortAndLeaveTheApiPort() {
        try (OnManagementPort started = start(Orchestrators::freePort)) {
            Api api = started.server().api();
            Api managementApi = new Api("http://127.0.0.1:" + started.managementPort(), null);
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

    @Test
    void aManagementPortTakenBeforeTheOrchestratorBindsItIsReplacedByAnother() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Deque<Integer> first = new ArrayDeque<>(List.of(taken.getLocalPort()));
            IntSupplier ports = () -> first.isEmpty() ? Orchestrators.freePort() : first.pop();

            try (OnManagementPort started = start(ports)) {
                assertNotEquals(taken.getLocalPort(), started.managementPort());
                Api managementApi = new Api("http://127.0.0.1:" + started.managementPort(), null);
                assertEquals(200, managementApi.get("/health").status());
            }
        }
    }

    private record OnManagementPort(Orchestrators.Orchestrator server, int managementPort) implements AutoCloseable {
        @Override
        public void close() {
            server.close();
        }
    }

    /**
     * An orchestrator with its management endpoints on a port from {@code ports}: picked free before the orchestrator
     * binds it, so another process (a test JVM running in parallel) may take it first; then again on another.
     */
    private static OnManagementPort start(IntSupplier ports) {
        for (int attempt = 1; ; attempt++) {
            int management = ports.getAsInt();
            Map<String, String> props = Orchestrators.fastRecovery();
            props.put("endpoints.all.port", Integer.toString(management));
            try {
                return new OnManagementPort(Orchestrators.orchestrator(redis.uri(), props), management);
            } catch (AssertionError e) {
                if (attempt == PORT_ATTEMPTS || !e.getMessage().contains("already in use")) {
                    throw e;
                }
            }
        }
    }
}
