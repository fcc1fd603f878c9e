package io.agentfleet.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentfleet.orchestrator.agents.Probe;
import io.agentfleet.orchestrator.support.Api;
import io.agentfleet.orchestrator.support.Orchestrators;
import io.agentfleet.testsupport.Await;
import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.Prometheus;
import io.agentfleet.testsupport.RedisExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

/**
 * FLEET_REDIS_WAIT_REPLICAS=1 on dispatch. On a single node (no replica) every enqueue is unreplicated: it is
 * counted, kept in the run's outbox and drained once more, which finds its marker and adds nothing, so each task still
 * runs once and the outbox empties; the run's committed transitions are counted unconfirmed too. On the cluster (a
 * replica per primary) the enqueues are replicated.
 */
class DurableDispatchTest {
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final String UNREPLICATED = "fleet_orchestrator_enqueues_unreplicated_total{agent=\"t-researcher\"}";
    static final String UNREPLICATED_COMMITS = "fleet_orchestrator_commits_unreplicated_total";

    @RegisterExtension
    static final RedisExtension redis =
            RedisExtension.builder().flushBeforeEach(false).build();

    static JavaProcess worker;
    static Orchestrators.Orchestrator orchestrator;
    static UnifiedJedis client;

    @BeforeAll
    static void start() {
        client = redis.client();
        worker = Orchestrators.worker(redis.uri(), "t-researcher", Map.of());
        orchestrator = Orchestrators.orchestrator(
                redis.uri(),
                Orchestrators.fastRecovery(),
                Map.of("FLEET_REDIS_WAIT_REPLICAS", "1", "FLEET_REDIS_WAIT_TIMEOUT", "200ms"));
    }

    @AfterAll
    static void stop() {
        Orchestrators.closeAll(orchestrator, worker, client);
    }

    @Test
    void dispatchWaitsForAReplicaAndAnUnreplicatedEnqueueIsDrainedAgainWithoutRunningTwice() {
        Api api = orchestrator.api();
        String runId = api.submit(Api.parse("""
                {"tasks":[{"id":"a","agent":"t-researcher","input":{"topic":"durable a"}},
                          {"id":"b","agent":"t-researcher","input":{"topic":"durable b"}},
                          {"id":"c","agent":"t-researcher","input":{"topic":"durable c"},"dependsOn":["a","b"]}]}"""));
        var run = api.awaitStatus(runId, "COMPLETED", TIMEOUT);
        String outbox = "fleet:{run:" + runId + "}:outbox";
        Await.until(TIMEOUT, () -> client.hlen(outbox) == 0, "the run's outbox to empty");
        for (String id : List.of("a", "b", "c")) {
            String wireId = Api.task(run, id).get("wireTaskId").asText();
            String ran = client.hget(Probe.INVOCATIONS, wireId);
            assertEquals("1", ran, id + " ran once");
        }
        double unreplicated = Prometheus.sample(orchestrator.prometheus(), UNREPLICATED);
        if (redis.isCluster()) {
            assertTrue(Double.isNaN(unreplicated) || unreplicated == 0, "replicated on the cluster: " + unreplicated);
        } else {
            assertTrue(unreplicated >= 3, "every enqueue counted as unreplicated on one node: " + unreplicated);
        }
        if (!redis.isCluster()) {
            double commits = Prometheus.sample(orchestrator.prometheus(), UNREPLICATED_COMMITS);
            assertTrue(commits >= 1, "run transitions counted as unreplicated on one node: " + commits);
        }
    }
}
