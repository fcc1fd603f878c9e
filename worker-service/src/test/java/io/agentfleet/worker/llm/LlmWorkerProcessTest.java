package io.agentfleet.worker.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.client.FleetClient;
import io.agentfleet.client.TaskDeadLetteredException;
import io.agentfleet.client.TaskResult;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.RedisExtension;
import io.agentfleet.worker.llm.FakeProvider.Reply;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/** The llm handler inside a real worker process ({@code WorkerApplication}), configured only by environment. */
class LlmWorkerProcessTest {
    @RegisterExtension
    static final RedisExtension redis = RedisExtension.create();

    private static final String KEY = "sk-process-test-key-0123456789";
    private static final Duration STARTUP = Duration.ofSeconds(90);
    private static final Duration OUTCOME = Duration.ofSeconds(60);

    private static JavaProcess worker(FakeProvider provider, String agents, String... extraEnv) {
        JavaProcess.Builder builder = JavaProcess.builder("io.agentfleet.worker.WorkerApplication")
                .jvmArg("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m")
                .env("REDIS_URL", redis.uri())
                .env("FLEET_AGENTS", agents)
                .env("MICRONAUT_SERVER_PORT", "-1")
                .env("FLEET_LLM_PROVIDER", "openai")
                .env("FLEET_LLM_BASE_URL", provider.openAiBase().toString())
                .env("OPENAI_API_KEY", KEY);
        for (int i = 0; i + 1 < extraEnv.length; i += 2) {
            builder.env(extraEnv[i], extraEnv[i + 1]);
        }
        JavaProcess process = builder.start();
        process.awaitLog("Startup completed", STARTUP);
        return process;
    }

    private static ObjectNode input(String text) {
        ObjectNode content = JsonNodeFactory.instance.objectNode();
        content.put("input", text);
        return content;
    }

    @Test
    void workerAnswersAnLlmTaskWithTextAndUsage() {
        try (FakeProvider provider = FakeProvider.start().then(Reply.answer("forty-two", 120, 8));
                JavaProcess process = worker(
                        provider,
                        "llm",
                        "FLEET_LLM_LLM_PRICE_IN_PER_1M",
                        "1000",
                        "FLEET_LLM_LLM_PRICE_OUT_PER_1M",
                        "0");
                FleetClient client = FleetClient.connect(redis.uri())) {
            TaskResult result = client.await(client.submit("llm", input("What is the answer?")), OUTCOME);

            assertEquals("forty-two", result.output().path("text").asText());
            assertEquals(120L, result.usage().tokensIn());
            assertEquals(8L, result.usage().tokensOut());
            assertEquals(0.12, result.usage().cost(), 1e-9);
            assertTrue(provider.last().promptText().contains("What is the answer?"));
            assertFalse(process.logText().contains(KEY), "the key is never logged");
        }
    }

    @Test
    void rejectedCallIsDeadLetteredWithTheKeyRedacted() {
        try (FakeProvider provider = FakeProvider.start()
                        .otherwise(request -> Reply.status(
                                401,
                                "{\"error\":{\"message\":\"Incorrect API key provided: "
                                        + request.header("Authorization") + "\"}}"));
                JavaProcess process = worker(provider, "llm");
                FleetClient client = FleetClient.connect(redis.uri());
                Jedis jedis = redis.jedis()) {
            TaskDeadLetteredException dead = assertThrows(
                    TaskDeadLetteredException.class, () -> client.await(client.submit("llm", input("hi")), OUTCOME));

            assertEquals("PROVIDER_REJECTED", dead.failure().type());
            assertFalse(dead.failure().message().contains(KEY), dead.failure().message());
            List<StreamEntry> letters =
                    jedis.xrange(StreamKeys.DEFAULT.dead("llm"), (StreamEntryID) null, (StreamEntryID) null);
            assertEquals(1, letters.size());
            Map<String, String> letter = letters.get(0).getFields();
            assertTrue(letter.get("error").contains(Redactor.MASK), letter.toString());
            assertFalse(letter.toString().contains(KEY), letter.toString());
            assertFalse(jedis.get(StreamKeys.DEFAULT.done("llm", dead.taskId())).contains(KEY));
            assertFalse(process.logText().contains(KEY), "the key is never logged");
        }
    }

    @Test
    void deadLetterOfAnAnswerThatStayedInvalidReportsTheTokensItSpent() {
        try (FakeProvider provider = FakeProvider.start().otherwise(request -> Reply.answer("no JSON here", 100, 20));
                JavaProcess process =
                        worker(provider, "llm", "FLEET_LLM_LLM_OUTPUT", "json", "FLEET_LLM_LLM_OUTPUT_REPAIRS", "1");
                FleetClient client = FleetClient.connect(redis.uri());
                Jedis jedis = redis.jedis()) {
            TaskDeadLetteredException dead = assertThrows(
                    TaskDeadLetteredException.class, () -> client.await(client.submit("llm", input("hi")), OUTCOME));

            assertEquals("INVALID_OUTPUT", dead.failure().type());
            AgentMessage outcome = new MessageCodec().decode(jedis.get(StreamKeys.DEFAULT.done("llm", dead.taskId())));
            assertEquals(200L, outcome.metadata().tokensIn(), "both answers' tokens, for the run's budget");
            assertEquals(40L, outcome.metadata().tokensOut());
        }
    }

    @Test
    void otherAgentTypeUsesTheLlmHandlerThroughConfiguration() {
        try (FakeProvider provider =
                        FakeProvider.start().then(Reply.answer("{\"approved\": true, \"feedback\": \"fine\"}"));
                JavaProcess process = worker(
                        provider,
                        "critic",
                        "FLEET_AGENTS_CRITIC_HANDLER",
                        "llm",
                        "FLEET_LLM_CRITIC_OUTPUT",
                        "json",
                        "FLEET_LLM_CRITIC_MODEL",
                        "critic-model",
                        "FLEET_LLM_CRITIC_SYSTEM_PROMPT",
                        "You review code.");
                FleetClient client = FleetClient.connect(redis.uri())) {
            TaskResult result = client.await(client.submit("critic", input("Review this")), OUTCOME);

            assertTrue(result.output().path("approved").asBoolean());
            assertEquals("critic-model", result.usage().model());
            assertEquals("critic-model", provider.last().json().path("model").asText());
            String system = provider.last()
                    .json()
                    .path("messages")
                    .path(0)
                    .path("content")
                    .asText();
            assertTrue(system.startsWith("You review code."), system);
        }
    }

    @Test
    void badLlmConfigurationStopsTheWorkerNamingKeyAndValue() {
        try (FakeProvider provider = FakeProvider.start()) {
            JavaProcess process = JavaProcess.builder("io.agentfleet.worker.WorkerApplication")
                    .jvmArg("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m")
                    .env("REDIS_URL", redis.uri())
                    .env("FLEET_AGENTS", "llm")
                    .env("MICRONAUT_SERVER_PORT", "-1")
                    .env("FLEET_LLM_BASE_URL", provider.openAiBase().toString())
                    .env("FLEET_LLM_LLM_MAX_TOKENS", "plenty")
                    .start();
            try (process) {
                int exit = process.waitFor(STARTUP);
                assertTrue(exit != 0, "the worker must not start");
                assertTrue(
                        process.logText().contains("fleet.llm.llm.max-tokens must be an integer, but was 'plenty'"),
                        process.logText());
            }
        }
    }
}
