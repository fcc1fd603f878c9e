package io.agentfleet.worker.llm;

import io.agentfleet.messages.config.ConfigException;
import java.net.URI;
import java.util.Locale;

/** The wire formats the {@code llm} handler speaks, with each one's public defaults. */
public enum Provider {
    /** OpenAI-compatible Chat Completions: OpenAI, Azure-style gateways, vLLM, Ollama, LiteLLM. */
    OPENAI("openai", URI.create("https://api.openai.com/v1"), "gpt-4o-mini", "OPENAI_API_KEY"),
    /** Anthropic Messages. */
    ANTHROPIC("anthropic", URI.create("https://api.anthropic.com"), "claude-sonnet-4-0", "ANTHROPIC_API_KEY");

    private final String configName;
    private final URI defaultBaseUrl;
    private final String defaultModel;
    private final String apiKeyEnv;

    Provider(String configName, URI defaultBaseUrl, String defaultModel, String apiKeyEnv) {
        this.configName = configName;
        this.defaultBaseUrl = defaultBaseUrl;
        this.defaultModel = defaultModel;
        this.apiKeyEnv = apiKeyEnv;
    }

    /** The name used in configuration: {@code openai} or {@code anthropic}. */
    public String configName() {
        return configName;
    }

    public URI defaultBaseUrl() {
        return defaultBaseUrl;
    }

    public String defaultModel() {
        return defaultModel;
    }

    /** The environment variable holding this provider's key when nothing else is configured. */
    public String apiKeyEnv() {
        return apiKeyEnv;
    }

    /** Whether {@code baseUrl} is this provider's public API, which never works without a key. */
    boolean isPublicApi(URI baseUrl) {
        return defaultBaseUrl.getHost().equalsIgnoreCase(baseUrl.getHost());
    }

    static Provider parse(String key, String value) {
        for (Provider provider : values()) {
            if (provider.configName.equals(value.trim().toLowerCase(Locale.ROOT))) {
                return provider;
            }
        }
        throw new ConfigException(key, key + " must be openai or anthropic, but was '" + value + "'");
    }
}
