package io.agentfleet.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentfleet.orchestrator.support.Api;
import io.agentfleet.orchestrator.support.Orchestrators;
import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.RedisExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/** Samples with a vote and a debate end to end: a real orchestrator process, a real worker process, a real Redis. */
class TeamsEndToEndTest {
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    @RegisterExtension
    static final RedisExtension redis =
            RedisExtension.builder().flushBeforeEach(false).build();

    static JavaProcess worker;
    static Orchestrators.Orchestrator orchestrator;
    static Api api;

    @BeforeAll
    static void start() {
        worker = Orchestrators.worker(redis.uri(), "t-researcher,t-reviewer", Map.of());
        orchestrator = Orchestrators.orchestrator(redis.uri(), Orchestrators.fastRecovery());
        api = orchestrator.api();
    }

    @AfterAll
    static void stop() {
        Orchestrators.closeAll(orchestrator, worker);
    }

    @Test
    void fiveSamplesWithAMajorityVoteCompleteWithoutALoopAndFeedTheVotedOutputToDependents() {
        String runId = api.submit(Api.parse("""
                {"tasks":[
                  {"id":"ask","agent":"t-researcher","input":{"topic":"quorum"},"samples":5,
                   "aggregate":{"method":"vote","pointer":"/finding"}},
                  {"id":"use","agent":"t-researcher","input":{"topic":"use"},"dependsOn":["ask"]}]}"""));
        JsonNode run = api.awaitStatus(runId, "COMPLETED", TIMEOUT);

        Set<Integer> indexes = new HashSet<>();
        Set<Long> seeds = new HashSet<>();
        for (int i = 1; i <= 5; i++) {
            JsonNode sample = Api.task(run, "ask-sample-" + i);
            assertEquals("COMPLETED", sample.get("state").asText(), run.toString());
            indexes.add(sample.get("output").get("sample").get("index").asInt());
            seeds.add(sample.get("output").get("sample").get("seed").asLong());
            assertEquals("sample", sample.get("team").get("kind").asText());
        }
        assertEquals(Set.of(1, 2, 3, 4, 5), indexes);
        assertEquals(5, seeds.size());
        JsonNode ask = Api.task(run, "ask");
        assertEquals("notes on quorum", ask.get("output").get("finding").asText());
        assertEquals(5, ask.get("aggregation").get("votes").get(0).get("count").asInt());
        assertEquals("ask-sample-1", ask.get("aggregation").get("chosen").asText());
        assertEquals(List.of("ask"), textList(Api.task(run, "use").get("output").get("contextKeys")));
        assertEquals(6, run.get("steps").asInt(), "five samples and the dependent; the vote dispatches nothing");
    }

    @Test
    void aDebateOfThreeRoundsRunsProposerCriticAndJudgeInOrder() {
        String runId = api.submit(Api.parse("""
                {"tasks":[{"id":"design","agent":"t-researcher","input":{"topic":"retries"},
                  "debate":{"proposer":"t-researcher","critic":"t-reviewer","rounds":3}}]}"""));
        JsonNode run = api.awaitStatus(runId, "COMPLETED", TIMEOUT);

        List<String> order = new ArrayList<>();
        for (int round = 1; round <= 3; round++) {
            order.add("design-round-" + round + "-proposer");
            order.add("design-round-" + round + "-critic");
        }
        List<String> rounds = List.copyOf(order);
        order.add("design");
        assertEquals(order, dispatched(runId), "each round's proposer, then its critic, then the judge");
        for (String id : rounds) {
            JsonNode task = Api.task(run, id);
            assertEquals("COMPLETED", task.get("state").asText(), id);
            assertEquals(
                    id.endsWith("critic") ? "t-reviewer" : "t-researcher",
                    task.get("agent").asText());
        }
        assertEquals(
                2,
                Api.task(run, "design-round-2-proposer")
                        .get("output")
                        .get("debate")
                        .get("round")
                        .asInt());
        JsonNode judge = Api.task(run, "design");
        assertEquals("judge", judge.get("output").get("debate").get("role").asText());
        List<String> seen = textList(judge.get("output").get("contextKeys"));
        assertTrue(seen.containsAll(rounds), "the judge sees every round: " + seen);
        assertEquals(7, run.get("steps").asInt());
    }

    static List<String> dispatched(String runId) {
        List<String> ids = new ArrayList<>();
        for (StreamEntry e :
                redis.client().xrange("fleet:{run:" + runId + "}:events", (StreamEntryID) null, (StreamEntryID) null)) {
            if (e.getFields().get("type").equals("TASK_DISPATCHED")) {
                ids.add(Api.parse(e.getFields().get("data")).get("taskId").asText());
            }
        }
        return ids;
    }

    static List<String> textList(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
