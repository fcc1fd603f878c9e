package io.agentfleet.orchestrator.workflow.engine;

import static io.agentfleet.orchestrator.workflow.engine.EdgesTest.CODEC;
import static io.agentfleet.orchestrator.workflow.engine.EdgesTest.MAPPER;
import static io.agentfleet.orchestrator.workflow.engine.EdgesTest.NOW;
import static io.agentfleet.orchestrator.workflow.engine.EdgesTest.errorType;
import static io.agentfleet.orchestrator.workflow.engine.EdgesTest.parser;
import static io.agentfleet.orchestrator.workflow.engine.EdgesTest.request;
import static io.agentfleet.orchestrator.workflow.engine.EdgesTest.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.DeadLetterReason;
import io.agentfleet.messages.ErrorContent;
import io.agentfleet.messages.Failure;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.messages.Metadata;
import io.agentfleet.messages.RunStatus;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Samples with their aggregates and debates, driving the engine without Redis. */
class TeamsTest {
    final RunEngine engine = new RunEngine(CODEC, parser(), (key, tokens, cost, now) -> null);

    RunState start(String body) throws Exception {
        return engine.start(parser().workflow((ObjectNode) MAPPER.readTree(body), NOW), "k", "t", "workflow", NOW);
    }

    RunState startTasks(String tasks) throws Exception {
        return start("{\"tasks\":" + tasks + "}");
    }

    void succeed(RunState run, String task, String output) throws Exception {
        succeed(run, task, output, NOW, Metadata.EMPTY);
    }

    void succeed(RunState run, String task, String output, Instant at, Metadata usage) throws Exception {
        ObjectNode out = (ObjectNode) MAPPER.readTree(output);
        engine.onOutcome(run, request(run, task).resultOf("worker", out, usage), at);
    }

    void fail(RunState run, String task) {
        ErrorContent error = ErrorContent.deadLettered(
                DeadLetterReason.MAX_ATTEMPTS_EXCEEDED, Failure.permanent("BOOM", "agent failed"));
        engine.onOutcome(run, request(run, task).errorOf("worker", error), NOW);
    }

    static final String VOTE = """
            [{"id":"ask","agent":"coder","input":{"q":"2+2"},"samples":5,
              "aggregate":{"method":"vote","pointer":"/answer"}},
             {"id":"use","agent":"coder","input":"use","dependsOn":["ask"]}]""";

    @Test
    void fiveSamplesAreDispatchedTogetherWithDistinctIndexSeedAndTemperatureAndAreNoLoop() throws Exception {
        RunState run = startTasks(VOTE);

        assertEquals(RunStatus.RUNNING, run.status());
        assertEquals(5, run.steps());
        Set<Long> seeds = new HashSet<>();
        for (int i = 1; i <= 5; i++) {
            String id = "ask-sample-" + i;
            assertEquals(TaskState.DISPATCHED, state(run, id));
            JsonNode sample = request(run, id).content().get("sample");
            assertEquals(i, sample.get("index").asInt());
            assertEquals(5, sample.get("of").asInt());
            assertEquals(Teams.seed(run.runId, id), sample.get("seed").asLong());
            seeds.add(sample.get("seed").asLong());
            assertEquals(0.5 + 0.125 * (i - 1), sample.get("temperature").asDouble(), 0.006);
            assertEquals(
                    "2+2", request(run, id).content().path("input").path("q").asText());
        }
        assertEquals(5, seeds.size(), "every sample has its own seed");
        assertEquals(TaskState.PENDING, state(run, "ask"));
        assertNull(run.task("ask").wireId, "a vote is counted by the orchestrator, never dispatched");
    }

    @Test
    void aMajorityVotePicksTheMostVotedValueAndDependentsReceiveTheWinningSamplesOutput() throws Exception {
        RunState run = startTasks(VOTE);
        String[] answers = {"3", "4", "4", "5", "4"};
        for (int i = 1; i <= 5; i++) {
            succeed(run, "ask-sample-" + i, "{\"answer\":\"" + answers[i - 1] + "\",\"n\":" + i + "}");
        }

        assertEquals(TaskState.COMPLETED, state(run, "ask"));
        assertEquals("4", run.task("ask").output.get("answer").asText());
        assertEquals(2, run.task("ask").output.get("n").asInt(), "the lowest-numbered sample of the winning value");
        JsonNode aggregation = run.task("ask").aggregation;
        assertEquals("ask-sample-2", aggregation.get("chosen").asText());
        assertEquals(3, aggregation.get("votes").get(1).get("count").asInt());
        assertEquals(6, run.steps(), "five samples and the dependent: the vote is no dispatch");
        JsonNode context = request(run, "use").content().get("context");
        assertEquals(List.of("ask"), fieldNames(context));
        assertEquals(2, context.get("ask").get("n").asInt());
    }

    @Test
    void aTieGoesToTheValueOfTheLowestNumberedSampleAndASampleWithoutTheValueAbstains() throws Exception {
        RunState run = startTasks("""
                [{"id":"ask","agent":"coder","input":"q","samples":5,
                  "aggregate":{"method":"vote","pointer":"/answer"}}]""");
        succeed(run, "ask-sample-1", "{\"other\":1}");
        succeed(run, "ask-sample-2", "{\"answer\":\"B\"}");
        succeed(run, "ask-sample-3", "{\"answer\":\"A\"}");
        succeed(run, "ask-sample-4", "{\"answer\":\"A\"}");
        succeed(run, "ask-sample-5", "{\"answer\":\"B\"}");

        assertEquals("B", run.task("ask").output.get("answer").asText());
        assertEquals("ask-sample-2", run.task("ask").aggregation.get("chosen").asText());
        assertEquals(RunStatus.COMPLETED, run.status());
    }

    @Test
    void failedSamplesAreLeftOutOfTheVoteWhileTheQuorumIsMet() throws Exception {
        RunState run = startTasks(VOTE);
        fail(run, "ask-sample-1");
        fail(run, "ask-sample-2");
        succeed(run, "ask-sample-3", "{\"answer\":\"5\"}");
        succeed(run, "ask-sample-4", "{\"answer\":\"4\"}");
        assertEquals(TaskState.PENDING, state(run, "ask"), "waits for every sample");
        succeed(run, "ask-sample-5", "{\"answer\":\"4\"}");

        assertEquals(RunStatus.RUNNING, run.status());
        assertEquals("4", run.task("ask").output.get("answer").asText());
        assertEquals(2, run.task("ask").aggregation.get("failed").asInt());
        assertEquals(3, run.task("ask").aggregation.get("succeeded").asInt());
        assertEquals(TaskState.DISPATCHED, state(run, "use"));
    }

    @Test
    void fewerSuccessfulSamplesThanTheQuorumFailTheTaskAndTheRun() throws Exception {
        RunState run = startTasks(VOTE);
        fail(run, "ask-sample-1");
        fail(run, "ask-sample-2");
        fail(run, "ask-sample-3");
        succeed(run, "ask-sample-4", "{\"answer\":\"4\"}");
        succeed(run, "ask-sample-5", "{\"answer\":\"4\"}");

        assertEquals(TaskState.FAILED, state(run, "ask"));
        assertEquals("QUORUM_NOT_MET", errorType(run, "ask"));
        assertEquals(RunStatus.FAILED, run.status());
        assertEquals("ask", MAPPER.readTree(run.errorText()).get("task").asText());
    }

    @Test
    void anExplicitQuorumOfOneVotesAmongTheFewSurvivors() throws Exception {
        RunState run = startTasks("""
                [{"id":"ask","agent":"coder","input":"q","samples":3,
                  "aggregate":{"method":"vote","pointer":"/answer","quorum":1}}]""");
        fail(run, "ask-sample-1");
        fail(run, "ask-sample-2");
        succeed(run, "ask-sample-3", "{\"answer\":\"only\"}");

        assertEquals(RunStatus.COMPLETED, run.status());
        assertEquals("only", run.task("ask").output.get("answer").asText());
    }

    @Test
    void firstValidReleasesDependentsWithTheFirstValidSampleWhileTheOthersStillRun() throws Exception {
        RunState run = startTasks("""
                [{"id":"ask","agent":"coder","input":"q","samples":3,
                  "aggregate":{"method":"firstValid","pointer":"/answer"}},
                 {"id":"use","agent":"coder","input":"use","dependsOn":["ask"]}]""");
        succeed(run, "ask-sample-2", "{\"note\":\"no answer\"}", NOW.plusSeconds(1), Metadata.EMPTY);
        assertEquals(TaskState.PENDING, state(run, "ask"), "a sample without the value is not valid");
        succeed(run, "ask-sample-3", "{\"answer\":\"third\"}", NOW.plusSeconds(2), Metadata.EMPTY);

        assertEquals(TaskState.COMPLETED, state(run, "ask"));
        assertEquals("third", run.task("ask").output.get("answer").asText());
        assertEquals(TaskState.DISPATCHED, state(run, "use"));
        assertEquals(TaskState.DISPATCHED, state(run, "ask-sample-1"), "the slowest sample still runs");
        succeed(
                run,
                "ask-sample-1",
                "{\"answer\":\"first\"}",
                NOW.plusSeconds(3),
                new Metadata(10L, 5L, 0.0, null, null, null));
        succeed(run, "use", "{}");

        assertEquals(RunStatus.COMPLETED, run.status());
        assertEquals("third", run.task("ask").output.get("answer").asText(), "a later sample changes nothing");
        assertEquals(15, run.spend().tokensIn() + run.spend().tokensOut(), "the straggler's usage is counted");
    }

    @Test
    void firstValidFailsWhenEverySampleSettledWithoutAValidOne() throws Exception {
        RunState run = startTasks("""
                [{"id":"ask","agent":"coder","input":"q","samples":2,"optional":true,
                  "aggregate":{"method":"firstValid"}}]""");
        fail(run, "ask-sample-1");
        fail(run, "ask-sample-2");

        assertEquals("NO_VALID_SAMPLE", errorType(run, "ask"));
        assertEquals(RunStatus.COMPLETED, run.status(), "the task was optional");
    }

    @Test
    void anAggregatorAgentReceivesEverySuccessfulSamplesOutputAndItsOutputIsTheTasks() throws Exception {
        RunState run = startTasks("""
                [{"id":"ask","agent":"coder","input":"q","samples":3,
                  "aggregate":{"method":"agent","agent":"reviewer"}}]""");
        succeed(run, "ask-sample-1", "{\"a\":1}");
        fail(run, "ask-sample-2");
        succeed(run, "ask-sample-3", "{\"a\":3}");

        assertEquals(TaskState.DISPATCHED, state(run, "ask"));
        AgentMessage aggregator = request(run, "ask");
        assertEquals("reviewer", aggregator.recipient());
        assertEquals(
                List.of("ask-sample-1", "ask-sample-3"),
                fieldNames(aggregator.content().get("context")));
        assertEquals(
                "ask-sample-3",
                aggregator.content().get("aggregate").get("samples").get(1).asText());
        succeed(run, "ask", "{\"merged\":true}");

        assertEquals(RunStatus.COMPLETED, run.status());
        assertTrue(run.task("ask").output.get("merged").asBoolean());
        assertEquals(4, run.steps(), "three samples and the aggregator");
    }

    @Test
    void everySampleReservesItsTokensAgainstTheBudget() throws Exception {
        RunState run = start("""
                {"budget":{"maxTokens":1000,"onBudget":"wait"},"tasks":[
                 {"id":"ask","agent":"coder","input":"q","samples":5,"maxTokens":300,
                  "aggregate":{"method":"vote","pointer":"/answer"}}]}""");

        assertEquals(3, run.steps(), "three samples of 300 fit a budget of 1000");
        assertEquals(900, run.spend().reservedTokens());
        assertEquals(TaskState.PENDING, state(run, "ask-sample-4"));
        succeed(run, "ask-sample-1", "{\"answer\":1}", NOW, new Metadata(50L, 50L, 0.0, null, null, null));

        assertEquals(4, run.steps(), "the settled reservation made room for one more sample");
        assertEquals(TaskState.DISPATCHED, state(run, "ask-sample-4"));
        assertTrue(run.spend().reservedTokens()
                        + run.spend().tokensIn()
                        + run.spend().tokensOut()
                <= 1000);
    }

    @Test
    void maxStepsCountsEverySampleAndTheAggregatorButNotAVote() throws Exception {
        String tasks = """
                [{"id":"a","agent":"coder","input":"a","samples":4,"aggregate":{"method":"agent","agent":"reviewer"}},
                 {"id":"b","agent":"coder","input":"b","samples":4,"aggregate":{"method":"vote","pointer":"/x"}}]""";
        InvalidMessageException tooFew =
                assertThrows(InvalidMessageException.class, () -> start("{\"maxSteps\":8,\"tasks\":" + tasks + "}"));
        assertEquals("maxSteps", tooFew.field());
        assertTrue(tooFew.reason().contains("9 tasks to dispatch"), tooFew.reason());

        RunState run = start("{\"maxSteps\":9,\"tasks\":" + tasks + "}");
        for (int i = 1; i <= 4; i++) {
            succeed(run, "a-sample-" + i, "{\"x\":1}");
            succeed(run, "b-sample-" + i, "{\"x\":1}");
        }
        succeed(run, "a", "{}");
        assertEquals(RunStatus.COMPLETED, run.status());
        assertEquals(9, run.steps());
    }

    static final String DEBATE = """
            [{"id":"design","agent":"reviewer","input":{"topic":"cache"},
              "debate":{"proposer":"coder","critic":"reviewer","rounds":3,"stopWhenApproved":%s}}]""";

    @Test
    void aDebateRunsProposerAndCriticRoundByRoundThenTheJudgeWhoseOutputIsTheTasks() throws Exception {
        RunState run = startTasks(DEBATE.formatted("false"));
        for (int round = 1; round <= 3; round++) {
            String proposer = "design-round-" + round + "-proposer";
            String critic = "design-round-" + round + "-critic";
            assertEquals(TaskState.DISPATCHED, state(run, proposer));
            assertEquals(TaskState.PENDING, state(run, critic));
            JsonNode debate = request(run, proposer).content().get("debate");
            assertEquals(round, debate.get("round").asInt());
            assertEquals("proposer", debate.get("role").asText());
            succeed(run, proposer, "{\"proposal\":" + round + "}");
            assertEquals(TaskState.DISPATCHED, state(run, critic));
            assertEquals(
                    round,
                    request(run, critic)
                            .content()
                            .get("context")
                            .get(proposer)
                            .get("proposal")
                            .asInt());
            succeed(run, critic, "{\"approved\":true,\"round\":" + round + "}");
        }
        assertEquals(TaskState.DISPATCHED, state(run, "design"));
        AgentMessage judge = request(run, "design");
        assertEquals("reviewer", judge.recipient());
        assertEquals("judge", judge.content().get("debate").get("role").asText());
        assertEquals(6, judge.content().get("context").size(), "the judge sees every round");
        succeed(run, "design", "{\"verdict\":\"round 3\"}");

        assertEquals(RunStatus.COMPLETED, run.status());
        assertEquals("round 3", run.task("design").output.get("verdict").asText());
        assertEquals(7, run.steps(), "every round and the judge count as steps");
    }

    @Test
    void aCriticsApprovalEndsTheDebateEarlyAndTheJudgeDecides() throws Exception {
        RunState run = startTasks(DEBATE.formatted("true"));
        succeed(run, "design-round-1-proposer", "{\"proposal\":1}");
        succeed(run, "design-round-1-critic", "{\"approved\":false,\"feedback\":\"more\"}");
        succeed(run, "design-round-2-proposer", "{\"proposal\":2}");
        succeed(run, "design-round-2-critic", "{\"approved\":true}");

        assertEquals(TaskState.SKIPPED, state(run, "design-round-3-proposer"));
        assertEquals("CRITIC_APPROVED", errorType(run, "design-round-3-proposer"));
        assertEquals(TaskState.SKIPPED, state(run, "design-round-3-critic"));
        assertEquals("DEBATE_ENDED", errorType(run, "design-round-3-critic"));
        assertEquals(TaskState.DISPATCHED, state(run, "design"));
        succeed(run, "design", "{\"verdict\":\"ok\"}");
        assertEquals(RunStatus.COMPLETED, run.status());
        assertEquals(5, run.steps());
    }

    @Test
    void aFailedRoundFailsTheRunUnlessTheDebateIsOptional() throws Exception {
        RunState required = startTasks(DEBATE.formatted("true"));
        fail(required, "design-round-1-proposer");
        assertEquals(RunStatus.FAILED, required.status());

        RunState optional = startTasks("""
                [{"id":"design","agent":"reviewer","input":"x","optional":true,
                  "debate":{"proposer":"coder","critic":"reviewer","rounds":2}},
                 {"id":"after","agent":"coder","input":"after","dependsOn":["design"]}]""");
        succeed(optional, "design-round-1-proposer", "{}");
        fail(optional, "design-round-1-critic");

        assertEquals(TaskState.SKIPPED, state(optional, "design"));
        assertEquals(TaskState.DISPATCHED, state(optional, "after"), "dependents run without the debate");
    }

    @Test
    void aVoteWhereEverySampleAbstainsFails() throws Exception {
        RunState run = startTasks("""
                [{"id":"ask","agent":"coder","input":"q","samples":2,
                  "aggregate":{"method":"vote","pointer":"/answer"}}]""");
        succeed(run, "ask-sample-1", "{\"other\":1}");
        succeed(run, "ask-sample-2", "{\"other\":2}");

        assertEquals("NO_VOTES", errorType(run, "ask"));
        assertEquals(RunStatus.FAILED, run.status());
    }

    @Test
    void anEscalatedDebatesFailedRoundParksTheRun() throws Exception {
        RunState run = startTasks("""
                [{"id":"design","agent":"reviewer","input":"x","escalate":true,
                  "debate":{"proposer":"coder","critic":"reviewer","rounds":2}}]""");
        fail(run, "design-round-1-proposer");

        assertEquals(TaskState.WAITING_HUMAN, state(run, "design-round-1-proposer"));
        assertEquals(RunStatus.NEEDS_HUMAN, run.status());
    }

    @Test
    void aFalseConditionSkipsEverySampleAndTheAggregate() throws Exception {
        RunState run = startTasks("""
                [{"id":"gate","agent":"coder","input":"g"},
                 {"id":"ask","agent":"coder","input":"q","samples":3,"dependsOn":["gate"],
                  "when":{"task":"gate","pointer":"/go","equals":true},
                  "aggregate":{"method":"vote","pointer":"/answer"}}]""");
        succeed(run, "gate", "{\"go\":false}");

        for (String id : List.of("ask-sample-1", "ask-sample-2", "ask-sample-3", "ask")) {
            assertEquals(TaskState.SKIPPED, state(run, id), id);
        }
        assertEquals(RunStatus.COMPLETED, run.status());
    }

    @Test
    void teamsAndAggregationsSurviveTheStoredRecord() throws Exception {
        RunState run = startTasks(VOTE);
        for (int i = 1; i <= 5; i++) {
            succeed(run, "ask-sample-" + i, "{\"answer\":\"4\"}");
        }
        for (String id : List.of("ask", "ask-sample-3")) {
            TaskRecord t = run.task(id);
            TaskRecord stored = TaskRecord.fromJson(id, (ObjectNode) MAPPER.readTree(t.toJsonText()));
            assertEquals(t.team, stored.team);
            assertEquals(t.toJsonText(), stored.toJsonText());
        }
        RunState debate = startTasks(DEBATE.formatted("true"));
        TaskRecord critic = debate.task("design-round-2-critic");
        assertEquals(
                critic.team, TaskRecord.fromJson(critic.id, (ObjectNode) MAPPER.readTree(critic.toJsonText())).team);
        assertNotEquals(null, debate.task("design").team);
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
