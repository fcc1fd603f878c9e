package io.agentfleet.worker.llm;

import static io.agentfleet.worker.llm.LlmTasks.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentfleet.messages.config.ConfigException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LlmSettingsLoaderTest {

    @Test
    void llmAgentTypeWorksWithNoConfigurationBeyondAKey() {
        LlmSettings settings =
                config().env("OPENAI_API_KEY", "sk-abcdefgh12345678").load("llm");

        assertEquals(Provider.OPENAI, settings.provider());
        assertEquals(URI.create("https://api.openai.com/v1"), settings.baseUrl());
        assertEquals(Provider.OPENAI.defaultModel(), settings.model());
        assertEquals(LlmSettingsLoader.DEFAULT_MAX_TOKENS, settings.maxTokens());
        assertEquals(OutputMode.TEXT, settings.output());
        assertEquals(0, settings.requestsPerMinute());
        assertTrue(settings.apiKey().isPresent());
    }

    @Test
    void providerIsInferredFromAnAnthropicKeyAndFromTheEnvironment() {
        assertEquals(
                Provider.ANTHROPIC,
                config().env("ANTHROPIC_API_KEY", "k-123456789").load("llm").provider());
        LlmSettings local = config().env("FLEET_LLM_PROVIDER", "openai")
                .env("FLEET_LLM_BASE_URL", "http://ollama:11434/v1")
                .env("FLEET_LLM_MODEL", "llama3.2")
                .load("llm");
        assertEquals(URI.create("http://ollama:11434/v1"), local.baseUrl());
        assertEquals("llama3.2", local.model());
        assertFalse(local.apiKey().isPresent(), "a local model needs no key");
    }

    @Test
    void publicApiWithoutAKeyFailsNamingTheVariableToSet() {
        ConfigException e = assertThrows(ConfigException.class, () -> config().load("llm"));
        assertTrue(e.getMessage().contains("OPENAI_API_KEY"), e.getMessage());
    }

    @Test
    void agentTypeFallsBackToTheLlmDefaultsAndOverridesItsOwnKeys() {
        LlmSettings coder = config().set("llm", "base-url", "http://gateway/v1")
                .set("llm", "model", "base-model")
                .set("llm", "max-tokens", 300)
                .set("llm", "price-in-per-1m", 0.5)
                .set("llm", "price-out-per-1m", 2)
                .set("coder", "model", "code-model")
                .set("coder", "output", "json")
                .set("coder", "read-timeout", "2m")
                .load("coder");

        assertEquals(URI.create("http://gateway/v1"), coder.baseUrl());
        assertEquals("code-model", coder.model());
        assertEquals(300, coder.maxTokens());
        assertEquals(new PriceTable.Price(0.5, 2.0), coder.price());
        assertEquals(OutputMode.JSON, coder.output());
        assertEquals(Duration.ofMinutes(2), coder.readTimeout());
        assertTrue(coder.systemPrompt().contains("coder"));
    }

    @Test
    void agentTypeOnAnotherProviderDoesNotInheritTheEndpoint() {
        LlmSettings critic = config().set("llm", "base-url", "http://vllm:8000/v1")
                .set("llm", "model", "qwen")
                .set("critic", "provider", "anthropic")
                .env("ANTHROPIC_API_KEY", "k-123456789")
                .env("FLEET_LLM_PROVIDER", "openai")
                .load("critic");

        assertEquals(Provider.ANTHROPIC, critic.provider());
        assertEquals(Provider.ANTHROPIC.defaultBaseUrl(), critic.baseUrl());
        assertEquals(Provider.ANTHROPIC.defaultModel(), critic.model());
    }

    @Test
    void badValuesFailNamingTheKeyAndTheValue() {
        assertConfigError(config().set("coder", "max-tokens", "lots"), "fleet.llm.coder.max-tokens", "'lots'");
        assertConfigError(config().set("coder", "temperature", "3"), "fleet.llm.coder.temperature", "3");
        assertConfigError(config().set("coder", "provider", "gemini"), "fleet.llm.coder.provider", "'gemini'");
        assertConfigError(config().set("llm", "base-url", "ftp://models"), "fleet.llm.llm.base-url", "'ftp://models'");
        assertConfigError(config().set("coder", "read-timeout", "soon"), "fleet.llm.coder.read-timeout", "'soon'");
        assertConfigError(config().set("coder", "output", "xml"), "fleet.llm.coder.output", "'xml'");
        assertConfigError(
                config().set("coder", "output", "json").set("coder", "output-schema", "{not json"),
                "fleet.llm.coder.output-schema",
                "{not json");
        assertConfigError(
                config().set("coder", "requests-per-minute", "-1"), "fleet.llm.coder.requests-per-minute", "-1");
        assertConfigError(config().set("coder", "summarizer", "coder"), "fleet.llm.coder.summarizer", "'coder'");
        assertConfigError(
                config().set("coder", "api-key-env", "MISSING_KEY_VAR"),
                "fleet.llm.coder.api-key-env",
                "'MISSING_KEY_VAR'");
        assertConfigError(
                config().set("coder", "context-limit-tokens", 100).set("coder", "max-tokens", 200),
                "fleet.llm.coder.context-limit-tokens",
                "100");
    }

    @Test
    void apiKeyComesFromANamedVariableOrAMountedFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("key");
        Files.writeString(file, "  file-key-123456\n");

        LlmSettings fromFile = config().set("llm", "api-key-file", file).load("llm");
        LlmSettings fromVar = config().set("llm", "api-key-env", "MY_GATEWAY_KEY")
                .env("MY_GATEWAY_KEY", "var-key-123456")
                .load("llm");

        assertEquals("file-key-123456", fromFile.apiKey().value().orElseThrow());
        assertEquals("var-key-123456", fromVar.apiKey().value().orElseThrow());
        assertFalse(fromFile.toString().contains("file-key-123456"));
        assertFalse(fromVar.toString().contains("var-key-123456"));
        assertConfigError(
                config().set("llm", "api-key-file", dir.resolve("absent")), "fleet.llm.llm.api-key-file", "absent");
    }

    @Test
    void summarizerIsOptionalAndNamesAnotherAgentType() {
        assertNull(config().env("OPENAI_API_KEY", "k-123456789").load("llm").summarizer());
        assertEquals(
                "condense",
                config().env("OPENAI_API_KEY", "k-123456789")
                        .set("coder", "summarizer", "condense")
                        .load("coder")
                        .summarizer());
    }

    @Test
    void structuredOutputSettingsAreValidatedAtStartUp() {
        LlmTasks.Config vllm = config().set("llm", "base-url", "http://vllm:8000/v1");
        LlmSettings defaults = vllm.set("llm", "output", "json").load("llm");
        ConfigException arrayRoot = assertThrows(
                ConfigException.class,
                () -> vllm.set("llm", "output-schema", "{\"type\":\"array\"}").load("llm"));

        assertEquals(StructuredOutput.NATIVE, defaults.structuredOutput());
        assertEquals(MaxTokensParameter.MAX_COMPLETION_TOKENS, defaults.maxTokensParameter());
        assertTrue(arrayRoot.getMessage().contains("structured-output=prompt"), arrayRoot.getMessage());
        assertEquals(
                StructuredOutput.PROMPT,
                vllm.set("llm", "structured-output", "prompt").load("llm").structuredOutput());
        assertConfigError(
                config().set("llm", "base-url", "http://vllm:8000/v1").set("llm", "structured-output", "strict"),
                "fleet.llm.llm.structured-output",
                "strict");
        assertConfigError(
                config().set("llm", "base-url", "http://vllm:8000/v1").set("llm", "max-tokens-parameter", "tokens"),
                "fleet.llm.llm.max-tokens-parameter",
                "tokens");
    }

    private static void assertConfigError(LlmTasks.Config config, String key, String value) {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> config.env("OPENAI_API_KEY", "k-123456789").load("coder"));
        assertTrue(e.getMessage().contains(key), e.getMessage());
        assertTrue(e.getMessage().contains(value), e.getMessage());
    }
}
