package io.agentfleet.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentfleet.messages.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LangChain4jSettingsTest {

    @Test
    void readsAnAgentTypesKeysWithDefaults() {
        LangChain4jSettings settings =
                load(Map.of("fleet.langchain4j.writer.model", "gpt-4o-mini"), Map.of("OPENAI_API_KEY", "sk-secret"));

        assertEquals(LangChain4jSettings.DEFAULT_BASE_URL, settings.baseUrl().toString());
        assertEquals("gpt-4o-mini", settings.model());
        assertEquals("sk-secret", settings.apiKey());
        assertEquals(LangChain4jSettings.DEFAULT_TIMEOUT, settings.timeout());
        assertFalse(settings.toString().contains("sk-secret"), settings.toString());
        assertTrue(settings.toString().contains("environment variable OPENAI_API_KEY"), settings.toString());
    }

    @Test
    void readsTheKeyFromAFileAndTheOtherKeys(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("key"), "sk-from-file\n");
        LangChain4jSettings settings = load(
                Map.of(
                        "fleet.langchain4j.writer.model", "m",
                        "fleet.langchain4j.writer.base-url", "http://127.0.0.1:9/v1",
                        "fleet.langchain4j.writer.api-key-file", file.toString(),
                        "fleet.langchain4j.writer.timeout", "5s",
                        "fleet.langchain4j.writer.max-output-tokens", "256"),
                Map.of());

        assertEquals("sk-from-file", settings.apiKey());
        assertEquals(Duration.ofSeconds(5), settings.timeout());
        assertEquals(256, settings.maxOutputTokens());
        assertFalse(settings.toString().contains("sk-from-file"));
    }

    @Test
    void missingModelFailsWithItsKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> load(Map.of(), Map.of()));

        assertEquals("fleet.langchain4j.writer.model", e.key());
    }

    @Test
    void badValuesFailWithTheirKey() {
        ConfigException url = assertThrows(
                ConfigException.class,
                () -> load(
                        Map.of("fleet.langchain4j.writer.model", "m", "fleet.langchain4j.writer.base-url", "ftp://x"),
                        Map.of()));
        ConfigException tokens = assertThrows(
                ConfigException.class,
                () -> load(
                        Map.of(
                                "fleet.langchain4j.writer.model",
                                "m",
                                "fleet.langchain4j.writer.max-output-tokens",
                                "0"),
                        Map.of()));

        assertEquals("fleet.langchain4j.writer.base-url", url.key());
        assertEquals("fleet.langchain4j.writer.max-output-tokens", tokens.key());
    }

    private static LangChain4jSettings load(Map<String, String> properties, Map<String, String> env) {
        return LangChain4jSettings.load("writer", key -> Optional.ofNullable(properties.get(key)), env::get);
    }
}
