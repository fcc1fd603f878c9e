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

    private static InetAddress address(String ip) {
        try {
            return InetAddress.getByName(ip);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
