package io.agentfleet.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentfleet.testsupport.JavaProcess;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The start-up holds the HTTP server until the consumer loops reach their first read, but only for a bounded time: a
 * worker whose Redis is unreachable still starts its HTTP server and reports itself not ready.
 */
class WorkerStartupTest {

    @Test
    void workerWithUnreachableRedisStillStartsItsServerNotReady() throws Exception {
        int deadPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            deadPort = socket.getLocalPort();
        }
        try (JavaProcess worker =
                TestFleet.worker("redis://127.0.0.1:" + deadPort, "echo").start()) {
            worker.awaitLog("Startup completed", TestFleet.STARTUP);
            assertEquals(503, get(worker, "/health/readiness").statusCode());
        }
    }

    private static HttpResponse<String> get(JavaProcess worker, String path) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + TestFleet.httpPort(worker) + path))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }
}
