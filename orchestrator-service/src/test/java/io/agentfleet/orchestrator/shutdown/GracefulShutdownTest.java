package io.agentfleet.orchestrator.shutdown;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentfleet.messages.StreamKeys;
import io.agentfleet.orchestrator.agents.Probe;
import io.agentfleet.orchestrator.support.Api;
import io.agentfleet.orchestrator.support.Orchestrators;
import io.agentfleet.orchestrator.support.Orchestrators.Orchestrator;
import io.agentfleet.testsupport.Await;
import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.RedisExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.XPendingParams;

/**
 * SIGTERM to a real orchestrator process: the HTTP server stops accepting connections, a request already in flight
 * still gets its answer within {@code FLEET_SHUTDOWN_GRACE}, and the process exits; a request that never completes does
 * not hold the process past the grace.
 */
class GracefulShutdownTest {
    private static final String AGENT = "t-drain";
    private static final Duration EXIT = Duration.ofSeconds(60);
    private static final int RUNS = 20;

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.create();

    @Test
    void aRequestInFlightAtSigtermIsAnsweredAndThenTheProcessExits() throws IOException {
        try (Orchestrator orchestrator = start("30s");
                Socket client = new Socket(InetAddress.getLoopbackAddress(), orchestrator.port())) {
            byte[] body = ("{\"agent\":\"" + AGENT + "\",\"input\":{\"n\":1}}").getBytes(StandardCharsets.UTF_8);
            OutputStream out = client.getOutputStream();
            InputStream in = client.getInputStream();
            out.write(head(orchestrator.port(), body.length));
            out.flush();
            // The server has the request once it asks for the body.
            assertTrue(readHead(in).startsWith("HTTP/1.1 100"), "100 Continue");

            orchestrator.process().sigterm();
            awaitNoNewConnections(orchestrator);
            assertTrue(orchestrator.process().isAlive(), "still draining the request in flight");
            out.write(body);
            out.flush();

            String answer = readAll(in);
            assertTrue(answer.startsWith("HTTP/1.1 202"), answer);
            assertTrue(answer.contains("\"taskId\""), answer);
            assertEquals(0, orchestrator.process().waitFor(EXIT), "exit code");
            try (UnifiedJedis jedis = redis.client()) {
                assertEquals(1, jedis.xlen(new StreamKeys(StreamKeys.DEFAULT_PREFIX).tasks(AGENT)), "task enqueued");
            }
        }
    }

    @Test
    void aRequestThatNeverCompletesDoesNotHoldTheProcessPastTheGrace() throws IOException {
        try (Orchestrator orchestrator = start("1s");
                Socket client = new Socket(InetAddress.getLoopbackAddress(), orchestrator.port())) {
            OutputStream out = client.getOutputStream();
            out.write(head(orchestrator.port(), 1000));
            out.flush();
            assertTrue(readHead(client.getInputStream()).startsWith("HTTP/1.1 100"), "100 Continue");

            orchestrator.process().sigterm();
            assertEquals(0, orchestrator.process().waitFor(EXIT), "exit code");
        }
    }

    @Test
    void resultsReadBeforeSigtermAreAppliedAndAcknowledgedAndAnotherReplicaFinishesTheRuns() {
        String agent = "t-researcher";
        try (JavaProcess worker = Orchestrators.worker(redis.uri(), agent, Map.of());
                Orchestrator draining = Orchestrators.orchestrator(
                        redis.uri(),
                        Map.of("fleet.orchestrator.consumer-name", "draining"),
                        Map.of("FLEET_SHUTDOWN_GRACE", "30s"))) {
            List<String> runs = new ArrayList<>();
            for (int i = 0; i < RUNS; i++) {
                runs.add(draining.api().submit(Api.parse("""
                        {"tasks":[
                          {"id":"a","agent":"t-researcher","input":{"topic":"a%1$d","sleepMs":50}},
                          {"id":"b","agent":"t-researcher","input":{"topic":"b%1$d","sleepMs":50},"dependsOn":["a"]},
                          {"id":"c","agent":"t-researcher","input":{"topic":"c%1$d","sleepMs":50},"dependsOn":["b"]}]}""".formatted(i))));
            }
            Await.until(EXIT, () -> invocations() >= RUNS, "the runs to be under way");

            draining.process().sigterm();
            assertEquals(0, draining.process().waitFor(EXIT), "exit code");
            String results = new StreamKeys(StreamKeys.DEFAULT_PREFIX).results(agent);
            try (UnifiedJedis jedis = redis.client()) {
                assertEquals(
                        0,
                        jedis.xpending(
                                        results,
                                        StreamKeys.ORCHESTRATORS_GROUP,
                                        XPendingParams.xPendingParams()
                                                .count(1000)
                                                .consumer("draining"))
                                .size(),
                        "results the stopped replica read are all acknowledged");
            }
            try (Orchestrator next = Orchestrators.orchestrator(redis.uri(), Map.of())) {
                for (String runId : runs) {
                    next.api().awaitStatus(runId, "COMPLETED", EXIT);
                }
            }
        }
    }

    private static long invocations() {
        try (Jedis jedis = redis.jedis()) {
            return jedis.hlen(Probe.INVOCATIONS);
        }
    }

    private static Orchestrator start(String grace) {
        return Orchestrators.orchestrator(
                redis.uri(), Map.of("fleet.orchestrator.allowed-agents", AGENT), Map.of("FLEET_SHUTDOWN_GRACE", grace));
    }

    private static byte[] head(int port, int contentLength) {
        return ("POST /v1/tasks HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAuthorization: Bearer " + Orchestrators.KEY
                        + "\r\nContent-Type: application/json\r\nConnection: close\r\nExpect: 100-continue\r\nContent-Length: "
                        + contentLength
                        + "\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The server stopped listening, so SIGTERM has reached the graceful shutdown. */
    private static void awaitNoNewConnections(Orchestrator orchestrator) {
        Await.until(
                EXIT,
                () -> {
                    try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), orchestrator.port())) {
                        return false;
                    } catch (IOException refused) {
                        return true;
                    }
                },
                "the orchestrator stopped accepting connections");
    }

    /** Reads up to the blank line that ends a response head. */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }

    private static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
}
