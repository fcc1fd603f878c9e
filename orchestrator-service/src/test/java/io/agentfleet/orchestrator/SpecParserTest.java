package io.agentfleet.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.messages.MessageLimits;
import io.agentfleet.messages.config.ConfigException;
import io.agentfleet.orchestrator.config.ApiKeys;
import io.agentfleet.orchestrator.config.ConfigFactory;
import io.agentfleet.orchestrator.config.OrchestratorConfig;
import io.agentfleet.orchestrator.registry.KnownAgents;
import io.agentfleet.orchestrator.support.Api;
import io.agentfleet.orchestrator.workflow.engine.WireIds;
import io.agentfleet.orchestrator.workflow.spec.OnBudget;
import io.agentfleet.orchestrator.workflow.spec.OnFailure;
import io.agentfleet.orchestrator.workflow.spec.RunSpec;
import io.agentfleet.orchestrator.workflow.spec.SpecParser;
import io.agentfleet.orchestrator.workflow.spec.TaskSpec;
import io.agentfleet.orchestrator.workflow.spec.Team;
import io.micronaut.context.env.PropertySource;
import io.micronaut.core.value.PropertyResolver;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Submission validation and configuration parsing, without Redis. */
class SpecParserTest {
    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    static OrchestratorConfig config(Map<String, Object> props) {
        Map<String, Object> all = new java.util.HashMap<>(Map.of("fleet.api-keys-plain", "t:k"));
        all.putAll(props);
        return ConfigFactory.read(resolver(all));
    }

    static PropertyResolver resolver(Map<String, Object> props) {
        return new io.micronaut.context.env.PropertySourcePropertyResolver(PropertySource.of("test", props));
    }

    /** Agent types the tests' registry holds, as workers would have registered them. */
    static final Set<String> REGISTERED = Set.of("a", "coder", "reviewer");

    final SpecParser parser = parser(config(Map.of()));

    static SpecParser parser(OrchestratorConfig config) {
        return new SpecParser(
                config,
                MessageLimits.DEFAULT,
                new KnownAgents(ConfigFactory.readKnownAgents(resolver(Map.of()), config), () -> REGISTERED));
    }

    @Test
    void parsesAFullWorkflow() {
        RunSpec spec = parser.workflow(Api.parse("""
                {"maxSteps":10,"budget":{"maxTokens":1000,"maxCost":0.5},"deadline":"PT5M","tasks":[
                  {"id":"a","agent":"coder","input":{"x":1},"timeout":"30s","maxAttempts":2,
                   "review":{"agent":"reviewer","maxRevisions":1,"onExhausted":"fail"}},
                  {"id":"b","agent":"coder","dependsOn":["a"],"optional":true,"escalate":true}]}"""), NOW);
        assertEquals(10, spec.maxSteps());
        assertEquals(1000L, spec.maxTokens());
        assertEquals(NOW.plus(Duration.ofMinutes(5)), spec.deadline());
        assertEquals(Duration.ofSeconds(30), spec.tasks().get(0).timeout());
        assertEquals(1, spec.tasks().get(0).review().maxRevisions());
        assertTrue(spec.tasks().get(1).optional());
    }

    @Test
    void anInputIsAcceptedOnlyAsDeepAsTheDispatchedMessageAllows() {
        // The task message wraps the input in two levels (message, content); workers accept 64.
        assertEquals(
                1,
                parser.workflow(workflowWithInput(StuckRunsEndToEndTest.nested(62), ""), NOW)
                        .tasks()
                        .size());
        InvalidMessageException tooDeep = assertThrows(
                InvalidMessageException.class,
                () -> parser.workflow(workflowWithInput(StuckRunsEndToEndTest.nested(63), ""), NOW));
        assertEquals("tasks[0].input", tooDeep.field());
        assertTrue(tooDeep.reason().startsWith("nests 63 levels deep, more than the limit of 62"), tooDeep.reason());
        // A reviewer gets it one level deeper.
        String review = ",\"review\":{\"agent\":\"reviewer\"}";
        assertEquals(
                1,
                parser.workflow(workflowWithInput(StuckRunsEndToEndTest.nested(61), review), NOW)
                        .tasks()
                        .size());
        assertThrows(
                InvalidMessageException.class,
                () -> parser.workflow(workflowWithInput(StuckRunsEndToEndTest.nested(62), review), NOW));
    }

    @Test
    void anInputMustLeaveRoomForTheMessageEnvelope() {
        SpecParser roomy =
                parser(config(Map.of("fleet.orchestrator.max-input-bytes", MessageLimits.DEFAULT_MAX_BYTES)));
        String fits = "\"" + "x".repeat(MessageLimits.DEFAULT_MAX_BYTES - SpecParser.ENVELOPE_BYTES - 2) + "\"";
        assertEquals(1, roomy.workflow(workflowWithInput(fits, ""), NOW).tasks().size());
        InvalidMessageException tooLarge = assertThrows(
                InvalidMessageException.class,
                () -> roomy.workflow(workflowWithInput("\"x" + fits.substring(1), ""), NOW));
        assertEquals("tasks[0].input", tooLarge.field());
    }

    @Test
    void aTimeoutBeyondWhatARecordStoresIsStoredAsTheLongest() {
        TaskSpec spec = new TaskSpec(
                "a", "coder", Api.parse("{}"), List.of(), null, false, false, Duration.ofDays(106_751_991_167_300L), 0);
        assertEquals(TaskSpec.LONGEST_TIMEOUT, spec.timeout());
    }

    private static ObjectNode workflowWithInput(String input, String more) {
        return Api.parse("{\"tasks\":[{\"id\":\"a\",\"agent\":\"coder\",\"input\":" + input + more + "}]}");
    }

    @Test
    void aTasksMaxTokensAndTheRunsOnBudgetAreParsedAndCheckedNamingTheField() {
        RunSpec spec = parser.workflow(Api.parse("""
                {"budget":{"maxTokens":1000,"onBudget":"wait"},"tasks":[{"id":"a","agent":"a","maxTokens":200}]}"""), NOW);
        assertEquals(OnBudget.WAIT, spec.onBudget());
        assertEquals(200L, spec.tasks().get(0).maxTokens());
        assertEquals(
                OnBudget.FAIL,
                parser.workflow(Api.parse("{\"tasks\":[{\"id\":\"a\",\"agent\":\"a\"}]}"), NOW)
                        .onBudget());
        InvalidMessageException tokens = assertThrows(
                InvalidMessageException.class,
                () -> parser.workflow(Api.parse("{\"tasks\":[{\"id\":\"a\",\"agent\":\"a\",\"maxTokens\":0}]}"), NOW));
        assertEquals("tasks[0].maxTokens", tokens.field());
        assertEquals("must be an integer between 1 and 2147483647, but was 0", tokens.reason());
        InvalidMessageException on = assertThrows(
                InvalidMessageException.class,
                () -> parser.workflow(
                        Api.parse("{\"budget\":{\"onBudget\":\"pray\"},\"tasks\":[{\"id\":\"a\",\"agent\":\"a\"}]}"),
                        NOW));
        assertEquals("budget.onBudget", on.field());
        assertEquals("must be \"fail\" or \"wait\", but was \"pray\"", on.reason());
    }

    @Test
    void budgetSettingsAreReadAndBadOnesFailNamingKeyAndValue() {
        OrchestratorConfig config = config(Map.of(
                "fleet.orchestrator.task-max-tokens", "coder:300",
                "fleet.api-key-daily-tokens", "t:5000",
                "fleet.api-key-daily-cost", "t:2.5"));
        assertEquals(300L, parser(config).defaultMaxTokens("coder"));
        assertEquals(0L, parser(config).defaultMaxTokens("reviewer"));
        assertEquals(2, parser(config).maxSpawnDepth());
        assertEquals(5000L, config.keyBudgets().dailyTokens().get("t"));
        assertEquals(2.5, config.keyBudgets().dailyCost().get("t"));
        ConfigException unknownKey =
                assertThrows(ConfigException.class, () -> config(Map.of("fleet.api-key-daily-tokens", "nobody:10")));
        assertTrue(unknownKey.getMessage().contains("'nobody', which is not configured"), unknownKey.getMessage());
        ConfigException badAmount =
                assertThrows(ConfigException.class, () -> config(Map.of("fleet.api-key-daily-cost", "t:-1")));
        assertTrue(badAmount.getMessage().endsWith("but one was 't:-1'"), badAmount.getMessage());
        ConfigException badTokens = assertThrows(
                ConfigException.class, () -> config(Map.of("fleet.orchestrator.task-max-tokens", "coder:lots")));
        assertTrue(badTokens.getMessage().endsWith("but one was 'coder:lots'"), badTokens.getMessage());
        ConfigException depth =
                assertThrows(ConfigException.class, () -> config(Map.of("fleet.orchestrator.max-spawn-depth", "0")));
        assertEquals("fleet.orchestrator.max-spawn-depth must be >= 1, but was 0", depth.getMessage());
    }

    @Test
    void aCycleIsNamed() {
        InvalidMessageException e =
                assertThrows(InvalidMessageException.class, () -> parser.workflow(Api.parse("""
                {"tasks":[{"id":"x","agent":"a"},{"id":"a","agent":"a","dependsOn":["b"]},
                          {"id":"b","agent":"a","dependsOn":["c"]},{"id":"c","agent":"a","dependsOn":["a"]}]}"""), NOW));
        assertEquals("tasks[1].dependsOn", e.field());
        assertEquals("dependency cycle: a -> b -> c -> a", e.reason());
    }

    @Test
    void spawnedTasksAreValidatedAgainstTheRun() {
        assertEquals(
                2,
                parser.spawn(
                                Api.parse(
                                                "{\"s\":[{\"id\":\"n1\",\"agent\":\"a\",\"dependsOn\":[\"old\"]},{\"id\":\"n2\",\"agent\":\"a\"}]}")
                                        .get("s"),
                                List.of("old"))
                        .size());
        InvalidMessageException dup = assertThrows(
                InvalidMessageException.class,
                () -> parser.spawn(
                        Api.parse("{\"s\":[{\"id\":\"old\",\"agent\":\"a\"}]}").get("s"), List.of("old")));
        assertEquals("spawn[0].id", dup.field());
    }

    @Test
    void anUnknownAgentTypeIsRefusedNamingItsField() {
        InvalidMessageException task =
                assertThrows(InvalidMessageException.class, () -> parser.workflow(Api.parse("""
                {"tasks":[{"id":"x","agent":"a"},{"id":"y","agent":"ghost"}]}"""), NOW));
        assertEquals("tasks[1].agent", task.field());
        assertEquals("unknown agent type 'ghost'; known: a, coder, reviewer", task.reason());
        InvalidMessageException review =
                assertThrows(InvalidMessageException.class, () -> parser.singleTask(Api.parse("""
                {"agent":"coder","review":{"agent":"critic"}}"""), NOW));
        assertEquals("review.agent", review.field());
        InvalidMessageException spawn = assertThrows(
                InvalidMessageException.class,
                () -> parser.spawn(
                        Api.parse("{\"s\":[{\"id\":\"n\",\"agent\":\"ghost\"}]}")
                                .get("s"),
                        List.of()));
        assertEquals("spawn[0].agent", spawn.field());
    }

    @Test
    void configuredAgentTypesAreKnownWithoutARegistration() {
        SpecParser configured = parser(config(Map.of("fleet.orchestrator.allowed-agents", "later")));
        assertEquals(
                "later",
                configured
                        .singleTask(Api.parse("{\"agent\":\"later\"}"), NOW)
                        .tasks()
                        .get(0)
                        .agent());
    }

    @Test
    void wireIdsRoundTrip() {
        assertEquals(new WireIds("01RUN", "code", 2, true), WireIds.parse(WireIds.of("01RUN", "code", 2, true)));
        assertEquals(null, WireIds.parse("not-a-wire-id"));
    }

    @Test
    void badConfigurationFailsNamingKeyAndValue() {
        ConfigException e =
                assertThrows(ConfigException.class, () -> config(Map.of("fleet.orchestrator.max-tasks", "0")));
        assertEquals("fleet.orchestrator.max-tasks must be >= 1, but was 0", e.getMessage());
        ConfigException d =
                assertThrows(ConfigException.class, () -> config(Map.of("fleet.orchestrator.retention", "soon")));
        assertTrue(d.getMessage().startsWith("fleet.orchestrator.retention must be a duration"), d.getMessage());
        assertTrue(d.getMessage().endsWith("but was 'soon'"), d.getMessage());
        ConfigException k = assertThrows(ConfigException.class, () -> config(Map.of("fleet.api-keys", "ops:abc")));
        assertTrue(k.getMessage().contains("ops:<redacted>"), k.getMessage());
        ConfigException none = assertThrows(
                ConfigException.class, () -> ConfigFactory.read(resolver(Map.of("fleet.prefix", "fleet"))));
        assertTrue(none.getMessage().startsWith("no API keys configured"), none.getMessage());
    }

    @Test
    void apiKeysAreKeptHashed() {
        OrchestratorConfig c = config(Map.of("fleet.api-keys", "ops:" + ApiKeys.sha256Hex("s3cret")));
        assertEquals("ops", c.apiKeys().nameOf("s3cret").orElseThrow());
        assertEquals("t", c.apiKeys().nameOf("k").orElseThrow());
        assertTrue(c.apiKeys().nameOf("other").isEmpty());
        assertTrue(!c.apiKeys().nameByHash().containsValue("s3cret")
                && !c.apiKeys().nameByHash().containsKey("k"));
    }

    @Test
    void parsesEdgePoliciesAFallbackAndAConditionKeepingPlainDependencies() {
        RunSpec spec = parser.workflow(Api.parse("""
                {"tasks":[{"id":"a","agent":"reviewer"},{"id":"b","agent":"coder"},
                  {"id":"c","agent":"coder","fallback":"a","dependsOn":[{"task":"a","onFailure":"skip"},"b"],
                   "when":{"task":"a","pointer":"/verdict","notEquals":"reject"}}]}"""), NOW);
        TaskSpec c = spec.tasks().get(2);
        assertEquals(List.of("a", "b"), c.dependsOn());
        assertEquals(Map.of("a", OnFailure.SKIP), c.onFailure());
        assertEquals("a", c.fallback());
        assertEquals("/verdict", c.when().pointer());
        assertTrue(c.when().negated());
    }

    @Test
    void badEdgesFallbacksAndConditionsNameTheField() {
        assertInvalid(
                "tasks[1].dependsOn[0].onFailure",
                "must be \"fail\", \"skip\" or \"continue\", but was \"ignore\"",
                "{\"id\":\"b\",\"agent\":\"a\",\"dependsOn\":[{\"task\":\"a\",\"onFailure\":\"ignore\"}]}");
        assertInvalid(
                "tasks[1].dependsOn[0]",
                "unknown task 'z'",
                "{\"id\":\"b\",\"agent\":\"a\",\"dependsOn\":[{\"task\":\"z\"}]}");
        assertInvalid("tasks[1].fallback", null, "{\"id\":\"b\",\"agent\":\"a\",\"fallback\":\"Not An Agent\"}");
        assertInvalid(
                "tasks[1].when.task",
                "'a' must also be listed in dependsOn (a condition reads its output)",
                "{\"id\":\"b\",\"agent\":\"a\",\"when\":{\"task\":\"a\",\"pointer\":\"/v\",\"equals\":1}}");
        assertInvalid(
                "tasks[1].when.pointer",
                null,
                "{\"id\":\"b\",\"agent\":\"a\",\"dependsOn\":[\"a\"],"
                        + "\"when\":{\"task\":\"a\",\"pointer\":\"verdict\",\"equals\":1}}");
        assertInvalid(
                "tasks[1].when",
                "needs exactly one of equals and notEquals",
                "{\"id\":\"b\",\"agent\":\"a\",\"dependsOn\":[\"a\"],"
                        + "\"when\":{\"task\":\"a\",\"pointer\":\"/v\"}}");
    }

    @Test
    void samplesExpandIntoNumberedTasksAndTheirAggregateWhichKeepsTheId() {
        RunSpec spec = parser.workflow(Api.parse("""
                {"tasks":[{"id":"a","agent":"reviewer"},
                  {"id":"ask","agent":"coder","input":"q","dependsOn":["a"],"samples":3,"maxTokens":100,
                   "aggregate":{"method":"vote","pointer":"/answer"}},
                  {"id":"use","agent":"coder","dependsOn":["ask"]}]}"""), NOW);
        assertEquals(
                List.of("a", "ask-sample-1", "ask-sample-2", "ask-sample-3", "ask", "use"),
                spec.tasks().stream().map(TaskSpec::id).toList());
        TaskSpec sample = spec.tasks().get(2);
        assertEquals(new Team.Sample("ask", 2, 3), sample.team());
        assertEquals(List.of("a"), sample.dependsOn());
        assertEquals(100L, sample.maxTokens());
        TaskSpec ask = spec.tasks().get(4);
        assertEquals(List.of("a", "ask-sample-1", "ask-sample-2", "ask-sample-3"), ask.dependsOn());
        assertEquals(OnFailure.CONTINUE, ask.onFailure().get("ask-sample-1"));
        Team.Samples team = (Team.Samples) ask.team();
        assertEquals(2, team.aggregate().quorum(), "the default quorum is a majority of the samples");
    }

    @Test
    void aDebateExpandsIntoRoundsOfProposerAndCriticBeforeItsJudge() {
        RunSpec spec = parser.workflow(Api.parse("""
                {"tasks":[{"id":"d","agent":"reviewer","input":"x","fallback":"coder","maxTokens":50,
                  "debate":{"proposer":"coder","critic":"reviewer","rounds":2}}]}"""), NOW);
        assertEquals(
                List.of("d-round-1-proposer", "d-round-1-critic", "d-round-2-proposer", "d-round-2-critic", "d"),
                spec.tasks().stream().map(TaskSpec::id).toList());
        assertEquals("coder", spec.tasks().get(2).agent());
        assertEquals(
                List.of("d-round-1-proposer", "d-round-1-critic"),
                spec.tasks().get(2).dependsOn());
        assertEquals(
                new Team.Debate(2, "coder", "reviewer", true),
                spec.tasks().get(4).team());
        assertEquals(
                3,
                ((Team.Debate) parser.workflow(Api.parse("""
                                {"tasks":[{"id":"d","agent":"reviewer",
                                  "debate":{"proposer":"coder","critic":"reviewer"}}]}"""), NOW)
                                .tasks()
                                .get(6)
                                .team())
                        .rounds());
    }

    @Test
    void badSamplesAggregatesAndDebatesNameTheField() {
        String vote = "\"aggregate\":{\"method\":\"vote\",\"pointer\":\"/v\"}";
        assertInvalid(
                "tasks[1].samples",
                "must be an integer from 2 to 16, but was 17",
                "{\"id\":\"b\",\"agent\":\"a\",\"samples\":17," + vote + "}");
        assertInvalid(
                "tasks[1].samples",
                "must be an integer from 2 to 16, but was 1",
                "{\"id\":\"b\",\"agent\":\"a\",\"samples\":1," + vote + "}");
        assertInvalid("tasks[1].aggregate", null, "{\"id\":\"b\",\"agent\":\"a\",\"samples\":3}");
        assertInvalid(
                "tasks[1].aggregate",
                "needs samples (how many times the task runs)",
                "{\"id\":\"b\",\"agent\":\"a\"," + vote + "}");
        assertInvalid(
                "tasks[1].aggregate.method",
                "must be \"vote\", \"agent\" or \"firstValid\", but was \"best\"",
                "{\"id\":\"b\",\"agent\":\"a\",\"samples\":3,\"aggregate\":{\"method\":\"best\"}}");
        assertInvalid(
                "tasks[1].aggregate.pointer",
                null,
                "{\"id\":\"b\",\"agent\":\"a\",\"samples\":3,\"aggregate\":{\"method\":\"vote\"}}");
        assertInvalid(
                "tasks[1].aggregate.quorum",
                "must be an integer from 1 to 3, but was 4",
                "{\"id\":\"b\",\"agent\":\"a\",\"samples\":3,"
                        + "\"aggregate\":{\"method\":\"vote\",\"pointer\":\"/v\",\"quorum\":4}}");
        assertInvalid(
                "tasks[1].aggregate.agent",
                null,
                "{\"id\":\"b\",\"agent\":\"a\",\"samples\":3,\"aggregate\":{\"method\":\"agent\"}}");
        assertInvalid(
                "tasks[1].review",
                "cannot be combined with samples",
                "{\"id\":\"b\",\"agent\":\"a\",\"samples\":3," + vote + ",\"review\":{\"agent\":\"a\"}}");
        assertInvalid(
                "tasks[1].debate",
                "cannot be combined with samples",
                "{\"id\":\"b\",\"agent\":\"a\",\"samples\":3," + vote
                        + ",\"debate\":{\"proposer\":\"a\",\"critic\":\"a\"}}");
        assertInvalid(
                "tasks[1].review",
                "cannot be combined with debate",
                "{\"id\":\"b\",\"agent\":\"a\",\"review\":{\"agent\":\"a\"},"
                        + "\"debate\":{\"proposer\":\"a\",\"critic\":\"a\"}}");
        assertInvalid(
                "tasks[1].samples",
                "cannot be combined with workflow",
                "{\"id\":\"b\",\"samples\":3," + vote + ",\"workflow\":{\"tasks\":[{\"id\":\"x\",\"agent\":\"a\"}]}}");
        InvalidMessageException single = assertThrows(
                InvalidMessageException.class,
                () -> parser.singleTask(Api.parse("{\"agent\":\"a\",\"samples\":3," + vote + "}"), NOW));
        assertEquals("samples", single.field());
        assertInvalid(
                "tasks[1].debate.rounds",
                "must be an integer from 1 to 10, but was 11",
                "{\"id\":\"b\",\"agent\":\"a\",\"debate\":{\"proposer\":\"a\",\"critic\":\"a\",\"rounds\":11}}");
        assertInvalid(
                "tasks[1].debate.critic",
                null,
                "{\"id\":\"b\",\"agent\":\"a\",\"debate\":{\"proposer\":\"a\",\"critic\":\"nobody\"}}");
        assertInvalid(
                "tasks[1].samples",
                "generates task id 'b-sample-1', which the run already has",
                "{\"id\":\"b\",\"agent\":\"a\",\"samples\":2," + vote + "},{\"id\":\"b-sample-1\",\"agent\":\"a\"}");
    }

    private void assertInvalid(String field, String reason, String secondTask) {
        InvalidMessageException e = assertThrows(
                InvalidMessageException.class,
                () -> parser.workflow(
                        Api.parse("{\"tasks\":[{\"id\":\"a\",\"agent\":\"a\"}," + secondTask + "]}"), NOW));
        assertEquals(field, e.field());
        if (reason != null) {
            assertEquals(reason, e.reason());
        }
    }
}
