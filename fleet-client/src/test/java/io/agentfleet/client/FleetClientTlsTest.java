package io.agentfleet.client;

import static io.agentfleet.client.FakeWorker.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentfleet.messages.Metadata;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.testsupport.SecuredRedis;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.StreamEntry;

/**
 * ACL user + password + TLS in every mode for the Jedis family: {@code rediss://user:pass@…} (one
 * standalone node; one cluster node, detected as a cluster; a seed list) and {@code
 * rediss-sentinel://user:pass@…#name}. The fixtures are TLS-only with the user and {@code requirepass};
 * the sentinels are TLS-only without a password.
 *
 * <p>The client trusts the JVM default truststore: Jedis' {@code ssl(true)} uses {@code
 * SSLSocketFactory.getDefault()}, which the JDK creates once per JVM on first use. So this class sets
 * {@code javax.net.ssl.trustStore} before any TLS use and runs in its own surefire execution (see the
 * pom), where no earlier test (an HttpClient, for instance) can have created that default first.
 */
class FleetClientTlsTest {
    private static final String USER = "fleet-producer";
    private static final String PASSWORD = "pr0ducer-pw";
    private static final Duration GENEROUS = Duration.ofSeconds(30);
    private static final StreamKeys KEYS = StreamKeys.DEFAULT;

    @RegisterExtension
    static final SecuredRedis secured = SecuredRedis.create(USER, PASSWORD);

    @Test
    void standaloneOverTlsWithAclUser() {
        try (UnifiedJedis check = secured.standalone().client()) {
            roundTrip(secured.standalone().uri(), check, "coder");
        }
    }

    @Test
    void wrongPasswordOrPlainTcpIsRefused() {
        String wrongPassword = secured.standalone().uri().replace(PASSWORD, "not-the-password");
        assertThrows(
                FleetConnectionException.class,
                () -> FleetClient.connect(wrongPassword).close());
        String plain = secured.standalone().uri().replace("rediss://", "redis://");
        assertThrows(
                FleetConnectionException.class, () -> FleetClient.connect(plain).close());
    }

    @Test
    void clusterFromOneNodesUrlOverTls() {
        try (UnifiedJedis check = secured.cluster().client()) {
            for (String agent : List.of("coder", "reviewer", "planner")) {
                roundTrip(secured.cluster().uri(), check, agent);
            }
        }
    }

    @Test
    void clusterSeedListOverTls() {
        try (UnifiedJedis check = secured.cluster().client()) {
            roundTrip(secured.cluster().seedUri(), check, "x");
        }
    }

    @Test
    void sentinelOverTlsWithAclUser() {
        try (UnifiedJedis check = secured.sentinel().client()) {
            roundTrip(secured.sentinel().uri(), check, "coder");
        }
    }

    /** Submit, let a fake worker answer over its own TLS connection, await the result, read the type's stats. */
    private static void roundTrip(String url, UnifiedJedis check, String agent) {
        try (FleetClient client =
                FleetClient.connect(FleetClientOptions.builder().redisUri(url).build())) {
            long before = client.admin().agentStats(agent).length();
            TaskHandle handle = client.submit(agent, json("input", "over tls"));
            assertTrue(
                    client.admin().agentTypes().contains(agent), client.admin().agentTypes() + " contains " + agent);
            assertEquals(before + 1, client.admin().agentStats(agent).length());
            assertEquals(before + 1, check.xlen(KEYS.tasks(agent)));
            FakeWorker worker = new FakeWorker(check, KEYS, agent);
            StreamEntry entry = worker.take(10).stream()
                    .filter(e -> e.getID().toString().equals(handle.entryId()))
                    .findFirst()
                    .orElseThrow();
            worker.complete(entry, json("answer", "secure"), Metadata.EMPTY);
            assertEquals(
                    "secure",
                    client.await(handle, GENEROUS).output().get("answer").asText());
        }
    }
}
