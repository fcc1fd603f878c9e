package io.agentfleet.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.agentfleet.client.FleetClient;
import io.agentfleet.client.TaskHandle;
import io.agentfleet.client.TaskResult;
import io.agentfleet.langchain4j.FakeOpenAi.Reply;
import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.RedisExtension;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real worker process with this module on its class path serves an agent type configured with
 * {@code handler=langchain4j}: the provider's 429 becomes a fleet retry, and the answer a result with usage.
 */
class LangChain4jWorkerProcessTest {
    private static final String KEY = "sk-never-logged-4711";

    @RegisterExtension
    static final RedisExtension redis = RedisExtension.create();

    @Test
    void workerServesALangChain4jAgentTypeAndRetriesARateLimitedCall() {
        try (FakeOpenAi provider = FakeOpenAi.start();
                JavaProcess worker = JavaProcess.builder("io.agentfleet.worker.WorkerApplication")
                        .jvmArg("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m")
                        .env("REDIS_URL", redis.uri())
                        .env("FLEET_AGENTS", "writer")
                        .env("MICRONAUT_SERVER_PORT", "-1")
                        .env("FLEET_AGENTS_WRITER_HANDLER", "langchain4j")
                        .env(
                                "FLEET_LANGCHAIN4J_WRITER_BASE_URL",
                                provider.baseUrl().toString())
                        .env("FLEET_LANGCHAIN4J_WRITER_MODEL", "test-model")
                        .env("FLEET_LANGCHAIN4J_WRITER_API_KEY_ENV", "WRITER_KEY")
                        .env("WRITER_KEY", KEY)
                        .env("FLEET_DEFAULTS_BACKOFF_BASE", "20ms")
                        .env("FLEET_DEFAULTS_BACKOFF_MAX", "100ms")
                        .start();
                FleetClient client = FleetClient.connect(redis.uri())) {
            provider.then(Reply.status(429, "{\"error\":{\"message\":\"slow down\"}}", Map.of("Retry-After", "1")));
            provider.then(Reply.answer("Durable by design."));
            worker.awaitLog("Startup completed", Duration.ofSeconds(90));

            TaskHandle handle = client.submit(
                    "writer", JsonNodeFactory.instance.objectNode().put("input", "Describe the fleet."));
            TaskResult result = client.await(handle, Duration.ofSeconds(60));

            assertEquals("Durable by design.", result.output().path("text").asText());
            assertEquals(2, result.message().attempt(), "the rate-limited attempt was retried by the fleet");
            assertEquals(12L, result.usage().tokensIn());
            assertEquals(5L, result.usage().tokensOut());
            assertEquals("test-model", result.usage().model());
            assertEquals(2, provider.requests().size(), "one call per attempt: no retry inside the model");
            assertTrue(worker.logText().contains("langchain4j handler for agent type writer"), worker.logText());
            assertFalse(worker.logText().contains(KEY), "the API key must never be logged");
        }
    }
}
