package io.agentfleet.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentfleet.orchestrator.support.Api;
import io.agentfleet.orchestrator.support.Orchestrators;
import io.agentfleet.testsupport.RedisExtension;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Failed authentications are limited per client address across replicas: two orchestrator processes share the count
 * in Redis, an address past the limit gets 429 with Retry-After (even with the right key), another address is not
 * affected.
 */
class FailedAuthLimitTest {
    static final int LIMIT = 20;
    static final String PROXY = "127.0.0.6";

    @RegisterExtension
    static final RedisExtension redis =
            RedisExtension.builder().flushBeforeEach(false).build();

    static Orchestrators.Orchestrator first;
    static Orchestrators.Orchestrator second;

    @BeforeAll
    static void start() {
        Map<String, String> props = Orchestrators.fastRecovery();
        props.put("fleet.orchestrator.auth-failure-limit", Integer.toString(LIMIT));
        props.put("fleet.orchestrator.auth-failure-window", "1h");
        props.put("fleet.orchestrator.trusted-proxies", PROXY + "/32");
        first = Orchestrators.orchestrator(redis.uri(), props);
        second = Orchestrators.orchestrator(redis.uri(), props);
    }

    @AfterAll
    static void stop() {
        Orchestrators.closeAll(first, second);
    }

    @Test
    void wrongKeysFromOneAddressGet429AfterTheLimitWhileAValidKeyFromAnotherAddressIsUnaffected() {
        Api attacker = first.api().from(address("127.0.0.3")).withKey("guess");
        Api attackerOnSecondReplica = second.api().from(address("127.0.0.3")).withKey("guess");
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            statuses.add((i % 2 == 0 ? attacker : attackerOnSecondReplica)
                    .get("/v1/usage")
                    .status());
        }
        assertEquals(
                List.of(403), statuses.subList(0, LIMIT).stream().distinct().toList(), statuses.toString());
        assertEquals(
                List.of(429), statuses.subList(LIMIT, 50).stream().distinct().toList(), statuses.toString());

        Api.Response blocked = attacker.get("/v1/usage");
        assertEquals(429, blocked.status());
        assertEquals("rate_limited", blocked.json().get("error").asText());
        long retryAfter = Long.parseLong(blocked.header("Retry-After"));
        assertTrue(retryAfter > 0 && retryAfter <= 3600, "Retry-After is the rest of the window: " + retryAfter);
        assertEquals(
                429,
                attacker.withKey(Orchestrators.KEY).get("/v1/usage").status(),
                "a blocked address is refused before its key is looked at, so a right guess is not confirmed");

        Api other = first.api().from(address("127.0.0.4"));
        assertEquals(200, other.get("/v1/usage").status(), "a valid key from another address is unaffected");
        assertEquals(
                200, second.api().from(address("127.0.0.4")).get("/v1/usage").status());
    }

    @Test
    void aMissingKeyCountsAsAFailureButSuccessesDoNot() {
        Api client = first.api().from(address("127.0.0.5"));
        for (int i = 0; i < 3 * LIMIT; i++) {
            assertEquals(200, client.get("/v1/usage").status(), "successes are not counted");
        }
        for (int i = 0; i < LIMIT; i++) {
            assertEquals(401, client.withKey(null).get("/v1/usage").status());
        }
        assertEquals(429, client.withKey(null).get("/v1/usage").status());
        assertEquals(200, first.api().withKey(null).get("/health").status(), "health stays outside the limit");
    }

    @Test
    void behindATrustedProxyTheForwardedClientIsLimitedAndAnUntrustedPeerCannotChooseItsAddress() {
        Api proxy = first.api().from(address(PROXY));
        for (int i = 0; i < LIMIT; i++) {
            assertEquals(403, forwarded(proxy.withKey("guess"), "192.0.2.1, 203.0.113.9"));
        }
        assertEquals(429, forwarded(proxy.withKey("guess"), "203.0.113.9"), "the client the proxy named is blocked");
        assertEquals(429, forwarded(proxy, "198.51.100.1, 203.0.113.9"), "whatever it prepends");
        assertEquals(200, forwarded(proxy, "203.0.113.10"), "another client behind the same proxy is not");

        Api untrusted = first.api().from(address("127.0.0.7"));
        for (int i = 0; i < LIMIT; i++) {
            assertEquals(403, forwarded(untrusted.withKey("guess"), "203.0.113.11"));
        }
        assertEquals(
                429,
                forwarded(untrusted.withKey(Orchestrators.KEY), "203.0.113.12"),
                "an untrusted peer's X-Forwarded-For is ignored: it cannot pick a fresh address");
        assertEquals(200, forwarded(proxy, "203.0.113.11"), "the address it claimed was never blocked");
    }

    private static int forwarded(Api api, String forwardedFor) {
        return api.send(api.request("/v1/usage")
                        .header("X-Forwarded-For", forwardedFor)
                        .GET())
                .status();
    }

    private static InetAddress address(String ip) {
        try {
            return InetAddress.getByName(ip);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
