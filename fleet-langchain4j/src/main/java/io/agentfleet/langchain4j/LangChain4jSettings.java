package io.agentfleet.langchain4j;

import io.agentfleet.messages.config.ConfigException;
import io.agentfleet.messages.config.ConfigValues;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * One agent type's OpenAI-compatible model, from {@code fleet.langchain4j.<type>.*}
 * ({@code FLEET_LANGCHAIN4J_<TYPE>_*}). The API key comes from an environment variable or a file and never appears
 * in {@link #toString()}.
 *
 * @param agentType the agent type served
 * @param baseUrl the OpenAI-compatible endpoint, e.g. {@code https://api.openai.com/v1}
 * @param model the model name
 * @param apiKey the key, empty for a local server that wants none
 * @param apiKeySource where the key came from, safe to log
 * @param timeout the whole call's time limit (LangChain4j's connect and read timeout)
 * @param maxOutputTokens sent as {@code max_completion_tokens}; null leaves it to the provider
 */
public record LangChain4jSettings(
        String agentType,
        URI baseUrl,
        String model,
        String apiKey,
        String apiKeySource,
        Duration timeout,
        Integer maxOutputTokens) {
    public static final String PREFIX = "fleet.langchain4j.";
    public static final String BASE_URL = "base-url";
    public static final String MODEL = "model";
    public static final String API_KEY_ENV = "api-key-env";
    public static final String API_KEY_FILE = "api-key-file";
    public static final String TIMEOUT = "timeout";
    public static final String MAX_OUTPUT_TOKENS = "max-output-tokens";

    public static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";
    public static final String DEFAULT_API_KEY_ENV = "OPENAI_API_KEY";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

    public LangChain4jSettings {
        Objects.requireNonNull(agentType, "agentType");
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(model, "model");
        apiKey = apiKey == null ? "" : apiKey;
        Objects.requireNonNull(timeout, "timeout");
    }

    /**
     * Reads and checks an agent type's settings; a bad or missing value fails with its key.
     *
     * @param properties looks up a property by its full kebab-case name
     * @param env looks up an environment variable (null when unset)
     */
    public static LangChain4jSettings load(
            String agentType, Function<String, Optional<String>> properties, UnaryOperator<String> env) {
        Function<String, Optional<String>> at =
                name -> properties.apply(key(agentType, name)).map(String::trim).filter(v -> !v.isEmpty());
        URI baseUrl = baseUrl(key(agentType, BASE_URL), at.apply(BASE_URL).orElse(DEFAULT_BASE_URL));
        String model = at.apply(MODEL)
                .orElseThrow(() -> new ConfigException(
                        key(agentType, MODEL),
                        key(agentType, MODEL) + " is required for a langchain4j agent type (e.g. gpt-4o-mini)"));
        Duration timeout = at.apply(TIMEOUT)
                .map(raw -> ConfigValues.parsePositiveDuration(key(agentType, TIMEOUT), raw))
                .orElse(DEFAULT_TIMEOUT);
        Integer maxOutputTokens = at.apply(MAX_OUTPUT_TOKENS)
                .map(raw -> ConfigValues.parseInt(key(agentType, MAX_OUTPUT_TOKENS), raw, 1, Integer.MAX_VALUE))
                .orElse(null);
        Optional<String> file = at.apply(API_KEY_FILE);
        if (file.isPresent()) {
            String fileKey = key(agentType, API_KEY_FILE);
            return new LangChain4jSettings(
                    agentType,
                    baseUrl,
                    model,
                    readKey(fileKey, Path.of(file.get())),
                    "file " + file.get(),
                    timeout,
                    maxOutputTokens);
        }
        String variable = at.apply(API_KEY_ENV).orElse(DEFAULT_API_KEY_ENV);
        String value = env.apply(variable);
        return new LangChain4jSettings(
                agentType,
                baseUrl,
                model,
                value == null ? "" : value.trim(),
                value == null || value.isBlank() ? "no API key" : "environment variable " + variable,
                timeout,
                maxOutputTokens);
    }

    static String key(String agentType, String name) {
        return PREFIX + agentType + "." + name;
    }

    private static URI baseUrl(String key, String raw) {
        try {
            URI uri = new URI(raw);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw ConfigException.invalid(key, raw, "an http(s) URL such as " + DEFAULT_BASE_URL);
            }
            return uri;
        } catch (java.net.URISyntaxException e) {
            throw ConfigException.invalid(key, raw, "an http(s) URL such as " + DEFAULT_BASE_URL);
        }
    }

    private static String readKey(String key, Path file) {
        try {
            String value = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (value.isEmpty()) {
                throw new ConfigException(key, key + " names '" + file + "', which is empty");
            }
            return value;
        } catch (IOException e) {
            // The message of an IOException names the path only, never the content.
            throw new ConfigException(key, key + ": cannot read the API key file " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "LangChain4jSettings[agentType=" + agentType + ", baseUrl=" + baseUrl + ", model=" + model + ", apiKey="
                + apiKeySource + " (value redacted), timeout=" + timeout + ", maxOutputTokens=" + maxOutputTokens
                + "]";
    }
}
