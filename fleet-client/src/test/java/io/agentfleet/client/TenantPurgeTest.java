package io.agentfleet.client;

import static io.agentfleet.client.FakeWorker.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.DeadLetter;
import io.agentfleet.messages.DeadLetterReason;
import io.agentfleet.messages.Failure;
import io.agentfleet.messages.FleetScripts;
import io.agentfleet.messages.ScriptCall;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.testsupport.RedisExtension;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Purging dead letters as a tenant ({@link FleetScripts#PURGE_DEAD_SCOPED}, shared with the orchestrator's scoped
 * purge) deletes that tenant's entries of every partition and nobody else's; an operator's purge deletes them all.
 * Runs on one node and, in the module's cluster pass, on a Redis Cluster (partitions on different slots).
 */
class TenantPurgeTest {
    @RegisterExtension
    static final RedisExtension redis = RedisExtension.create();

    private static final String HOT = "hot";
    private static final int PARTITIONS = 2;

    private final StreamKeys keys = StreamKeys.DEFAULT;
    private UnifiedJedis jedis;
    private FleetClient producer;
    private FleetAdminClient admin;

    @BeforeEach
    void connect() {
        jedis = redis.client();
        FleetClientOptions options = FleetClientOptions.builder()
                .redisUri(redis.uri())
                .partitions(HOT, PARTITIONS)
                .build();
        producer = FleetClient.connect(options);
        admin = FleetAdminClient.connect(options);
    }

    @AfterEach
    void close() {
        admin.close();
        producer.close();
        jedis.close();
    }

    /** Submits {@code count} tasks as {@code tenant} (null = none), round-robin over the partitions. */
    private void submit(String tenant, int count) {
        SubmitOptions options = tenant == null ? SubmitOptions.DEFAULT : SubmitOptions.tenant(tenant);
        for (int i = 0; i < count; i++) {
            producer.submit(
                    AgentMessage.request(HOT, json("input", tenant + "-" + i)).build(), options);
        }
    }

    /** Dead-letters every task waiting on every partition, as the worker does. */
    private void deadLetterEverything() {
        for (int partition = 0; partition < PARTITIONS; partition++) {
            FakeWorker worker = new FakeWorker(jedis, keys, HOT, partition);
            for (StreamEntry entry : worker.take(100)) {
                worker.deadLetter(entry, DeadLetterReason.NON_RETRYABLE_FAILURE, Failure.permanent("BAD", "no"));
            }
        }
    }

    private List<String> tenantsLeft() {
        List<String> tenants = new ArrayList<>();
        for (int partition = 0; partition < PARTITIONS; partition++) {
            admin.deadLetters(HOT, partition, 100).stream()
                    .map(DeadLetter::tenant)
                    .forEach(tenants::add);
        }
        return tenants.stream().sorted().toList();
    }

    @Test
    void aTenantsPurgeDeletesOnlyItsOwnDeadLettersOfEveryPartition() {
        submit("team-a", 4);
        submit("team-b", 3);
        submit(null, 1);
        deadLetterEverything();

        assertEquals(4, admin.purgeDeadLetters(HOT, "team-a"));

        assertEquals(List.of("", "team-b", "team-b", "team-b"), tenantsLeft());
        assertEquals(0, admin.purgeDeadLetters(HOT, "team-a"), "nothing of team-a is left");
    }

    @Test
    void anOperatorsPurgeDeletesEveryTenantsDeadLetters() {
        submit("team-a", 2);
        submit("team-b", 2);
        deadLetterEverything();

        assertEquals(4, admin.purgeDeadLetters(HOT));

        assertEquals(List.of(), tenantsLeft());
    }

    @Test
    void aBudgetedScopedPurgeSaysWhereToContinueAndStepsTogetherMissNothing() {
        submit("team-a", 3);
        submit("team-b", 3);
        deadLetterEverything();
        String dead = keys.dead(HOT, 0);
        long entries = jedis.xlen(dead);
        long ofTeamA = admin.deadLetters(HOT, 0, 100).stream()
                .filter(letter -> letter.tenant().equals("team-a"))
                .count();

        long purged = 0;
        int steps = 0;
        String after = null;
        do {
            ScriptCall call = FleetScripts.purgeDeadScoped(keys, HOT, 0, "team-a", after, 1);
            FleetScripts.ScopedPurge step =
                    FleetScripts.ScopedPurge.of(jedis.eval(call.script().source(), call.keys(), textOf(call.args())));
            purged += step.purged();
            after = step.continueAfter();
            steps++;
        } while (after != null);

        assertEquals(entries + 1, steps, "one entry read per step, and a last step that finds the end");
        assertEquals(ofTeamA, purged);
        assertEquals(entries - ofTeamA, jedis.xlen(dead), "team-b's dead letters stay");
    }

    private static List<String> textOf(List<byte[]> args) {
        return args.stream()
                .map(bytes -> new String(bytes, StandardCharsets.UTF_8))
                .toList();
    }
}
