package io.agentfleet.worker.llm;

import io.agentfleet.messages.Names;
import io.agentfleet.messages.config.ConfigException;
import io.agentfleet.messages.config.ConfigValues;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Reads {@code fleet.llm.<agentType>.*} into {@link LlmSettings}. Every key falls back to the {@code llm} agent type's
 * value ({@code fleet.llm.llm.*}), then to the environment ({@code FLEET_LLM_PROVIDER}, {@code FLEET_LLM_BASE_URL},
 * {@code FLEET_LLM_MODEL}), then to a built-in default, so the agent type {@code llm} works with no configuration. The
 * endpoint keys (base URL, model, key) are inherited only by an agent type using the same provider as {@code llm}: an
 * Anthropic agent type does not inherit an OpenAI base URL. A bad value fails with the key and the value.
 */
final class LlmSettingsLoader {
    static final String PREFIX = "fleet.llm.";
    static final String DEFAULT_TYPE = "llm";

    static final String PROVIDER = "provider";
    static final String BASE_URL = "base-url";
    static final String MODEL = "model";
    static final String MAX_TOKENS = "max-tokens";
    static final String TEMPERATURE = "temperature";
    static final String SYSTEM_PROMPT = "system-prompt";
    static final String API_KEY_ENV = "api-key-env";
    static final String API_KEY_FILE = "api-key-file";
    static final String API_KEY_HEADER = "api-key-header";
    static final String CONTEXT_LIMIT_TOKENS = "context-limit-tokens";
    static final String SUMMARIZER = "summarizer";
    static final String OUTPUT = "output";
    static final String OUTPUT_SCHEMA = "output-schema";
    static final String OUTPUT_REPAIRS = "output-repairs";
    static final String STRUCTURED_OUTPUT = "structured-output";
    static final String MAX_TOKENS_PARAMETER = "max-tokens-parameter";
    static final String PRICE_IN = "price-in-per-1m";
    static final String PRICE_OUT = "price-out-per-1m";
    /** The price table overrides, shared by all agent types: {@code model=in/out,...} per million tokens. */
    static final String PRICES = "fleet.llm-prices";

    static final String ENV_PRICES = "FLEET_LLM_PRICES";
    static final String REQUESTS_PER_MINUTE = "requests-per-minute";
    static final String TOKENS_PER_MINUTE = "tokens-per-minute";
    static final String RATE_LIMIT_BURST = "rate-limit-burst";
    static final String CONNECT_TIMEOUT = "connect-timeout";
    static final String READ_TIMEOUT = "read-timeout";
    static final String CIRCUIT_FAILURE_THRESHOLD = "circuit-failure-threshold";
    static final String CIRCUIT_OPEN_DURATION = "circuit-open-duration";

    static final String ENV_PROVIDER = "FLEET_LLM_PROVIDER";
    static final String ENV_BASE_URL = "FLEET_LLM_BASE_URL";
    static final String ENV_MODEL = "FLEET_LLM_MODEL";

    static final int DEFAULT_MAX_TOKENS = 1024;
    static final int DEFAULT_CONTEXT_LIMIT_TOKENS = 128_000;
    static final int DEFAULT_OUTPUT_REPAIRS = 2;
    static final Duration DEFAULT_RATE_LIMIT_BURST = Duration.ofSeconds(10);
    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(120);
    static final int DEFAULT_CIRCUIT_FAILURE_THRESHOLD = 5;
    static final Duration DEFAULT_CIRCUIT_OPEN_DURATION = Duration.ofSeconds(30);
    static final String DEFAULT_SYSTEM_PROMPT =
            "You are the %s agent of an automated multi-agent workflow. Do the task you are given; use the context "
                    + "from earlier tasks where it helps. Answer with the result only.";

    private final Function<String, Optional<String>> properties;
    private final UnaryOperator<String> env;

    /**
     * @param properties looks up a property by its full kebab-case name
     * @param env looks up an environment variable (null when unset)
     */
    LlmSettingsLoader(Function<String, Optional<String>> properties, UnaryOperator<String> env) {
        this.properties = properties;
        this.env = env;
    }

    /** The settings of {@code agentType}, with the {@code llm} defaults filled in. */
    LlmSettings load(String agentType) {
        Names.requireAgentType("agentType", agentType);
        Lookup at = new Lookup(agentType);
        Provider provider = at.provider();
        URI baseUrl = at.endpoint(BASE_URL, ENV_BASE_URL)
                .map(s -> parseUrl(s.key, s.value))
                .orElse(provider.defaultBaseUrl());
        String model = at.endpoint(MODEL, ENV_MODEL).map(s -> requireText(s)).orElse(provider.defaultModel());
        ApiKey apiKey = apiKey(at, provider);
        if (!apiKey.isPresent() && provider.isPublicApi(baseUrl)) {
            throw new ConfigException(
                    PREFIX + agentType + "." + API_KEY_ENV,
                    "agent type " + agentType + " calls " + baseUrl + " but has no API key: set " + provider.apiKeyEnv()
                            + ", or " + PREFIX + agentType + "." + API_KEY_ENV + " or ." + API_KEY_FILE);
        }
        int maxTokens = at.get(MAX_TOKENS).map(s -> positiveInt(s)).orElse(DEFAULT_MAX_TOKENS);
        int contextLimit = at.get(CONTEXT_LIMIT_TOKENS).map(s -> positiveInt(s)).orElse(DEFAULT_CONTEXT_LIMIT_TOKENS);
        if (contextLimit <= maxTokens) {
            throw new ConfigException(
                    PREFIX + agentType + "." + CONTEXT_LIMIT_TOKENS,
                    PREFIX + agentType + "." + CONTEXT_LIMIT_TOKENS + " must be larger than " + MAX_TOKENS + " ("
                            + maxTokens + "), but was " + contextLimit);
        }
        OutputMode output =
                at.get(OUTPUT).map(s -> OutputMode.parse(s.key, s.value)).orElse(OutputMode.TEXT);
        OutputSchema schema = at.get(OUTPUT_SCHEMA)
                .map(s -> OutputSchema.parse(s.key, s.value))
                .orElse(null);
        if (schema != null && output != OutputMode.JSON) {
            throw new ConfigException(
                    PREFIX + agentType + "." + OUTPUT_SCHEMA,
                    PREFIX + agentType + "." + OUTPUT_SCHEMA + " needs " + PREFIX + agentType + "." + OUTPUT
                            + "=json, but output is " + output.name().toLowerCase(Locale.ROOT));
        }
        StructuredOutput structured = at.get(STRUCTURED_OUTPUT)
                .map(s -> StructuredOutput.parse(s.key, s.value))
                .orElse(StructuredOutput.NATIVE);
        if (schema != null && structured == StructuredOutput.NATIVE && !schema.isObjectSchema()) {
            throw new ConfigException(
                    PREFIX + agentType + "." + OUTPUT_SCHEMA,
                    PREFIX + agentType + "." + OUTPUT_SCHEMA + " must have \"type\": \"object\" at its root for native"
                            + " structured output (both providers require it); use " + PREFIX + agentType + "."
                            + STRUCTURED_OUTPUT + "=prompt for other schemas");
        }
        return new LlmSettings(
                agentType,
                provider,
                baseUrl,
                model,
                maxTokens,
                at.get(TEMPERATURE).map(s -> temperature(s)).orElse(null),
                at.get(SYSTEM_PROMPT).map(s -> s.value).orElse(DEFAULT_SYSTEM_PROMPT.formatted(agentType)),
                apiKey,
                at.endpoint(API_KEY_HEADER, null).map(s -> requireText(s)).orElse(null),
                contextLimit,
                summarizer(at, agentType),
                output,
                schema,
                structured,
                at.get(MAX_TOKENS_PARAMETER)
                        .map(s -> MaxTokensParameter.parse(s.key, s.value))
                        .orElse(MaxTokensParameter.MAX_COMPLETION_TOKENS),
                ownPrice(at, agentType),
                prices(),
                at.get(REQUESTS_PER_MINUTE).map(s -> nonNegativeInt(s)).orElse(0),
                at.get(TOKENS_PER_MINUTE).map(s -> nonNegativeInt(s)).orElse(0),
                at.get(RATE_LIMIT_BURST).map(s -> positiveDuration(s)).orElse(DEFAULT_RATE_LIMIT_BURST),
                at.get(CONNECT_TIMEOUT).map(s -> positiveDuration(s)).orElse(DEFAULT_CONNECT_TIMEOUT),
                at.get(READ_TIMEOUT).map(s -> positiveDuration(s)).orElse(DEFAULT_READ_TIMEOUT),
                at.get(OUTPUT_REPAIRS).map(s -> nonNegativeInt(s)).orElse(DEFAULT_OUTPUT_REPAIRS),
                at.get(CIRCUIT_FAILURE_THRESHOLD).map(s -> positiveInt(s)).orElse(DEFAULT_CIRCUIT_FAILURE_THRESHOLD),
                at.get(CIRCUIT_OPEN_DURATION).map(s -> positiveDuration(s)).orElse(DEFAULT_CIRCUIT_OPEN_DURATION));
    }

    private ApiKey apiKey(Lookup at, Provider provider) {
        Optional<Setting> file = at.endpoint(API_KEY_FILE, null);
        if (file.isPresent()) {
            Path path = Path.of(requireText(file.get()));
            if (!Files.isReadable(path)) {
                throw new ConfigException(
                        file.get().key,
                        file.get().key + " names a file that does not exist or is not readable: '" + path + "'");
            }
            return ApiKey.ofFile(file.get().key, path);
        }
        Optional<Setting> variable = at.endpoint(API_KEY_ENV, null);
        if (variable.isPresent()) {
            String name = requireText(variable.get());
            String value = env.apply(name);
            if (value == null || value.isBlank()) {
                throw new ConfigException(
                        variable.get().key,
                        variable.get().key + " names the environment variable '" + name + "', which is not set");
            }
            return ApiKey.ofEnv(name, value);
        }
        String value = env.apply(provider.apiKeyEnv());
        return value == null || value.isBlank() ? ApiKey.NONE : ApiKey.ofEnv(provider.apiKeyEnv(), value);
    }

    /** Both prices or neither: a half-set price would silently price the other direction at 0. */
    private static PriceTable.Price ownPrice(Lookup at, String agentType) {
        Optional<Setting> in = at.get(PRICE_IN);
        Optional<Setting> out = at.get(PRICE_OUT);
        if (in.isEmpty() && out.isEmpty()) {
            return null;
        }
        if (in.isEmpty() || out.isEmpty()) {
            String missing = in.isEmpty() ? PRICE_IN : PRICE_OUT;
            throw new ConfigException(
                    PREFIX + agentType + "." + missing,
                    PREFIX + agentType + "." + missing + " must be set too: set both " + PRICE_IN + " and " + PRICE_OUT
                            + ", or neither to use the price table");
        }
        return new PriceTable.Price(nonNegativeDouble(in.get()), nonNegativeDouble(out.get()));
    }

    private PriceTable prices() {
        Optional<Setting> spec = properties
                .apply(PRICES)
                .filter(v -> !v.isBlank())
                .map(v -> new Setting(PRICES, v))
                .or(() -> Optional.ofNullable(env.apply(ENV_PRICES))
                        .filter(v -> !v.isBlank())
                        .map(v -> new Setting(ENV_PRICES, v)));
        return spec.map(s -> PriceTable.DEFAULTS.overriddenBy(s.key, s.value)).orElse(PriceTable.DEFAULTS);
    }

    private static String summarizer(Lookup at, String agentType) {
        Optional<Setting> setting = at.own(SUMMARIZER);
        if (setting.isEmpty()) {
            return null;
        }
        String value = setting.get().value.trim();
        if (!Names.isAgentType(value)) {
            throw new ConfigException(
                    setting.get().key, setting.get().key + " must be an agent type, but was '" + value + "'");
        }
        if (value.equals(agentType)) {
            throw new ConfigException(
                    setting.get().key, setting.get().key + " must name another agent type, but was '" + value + "'");
        }
        return value;
    }

    /** Where one key's value came from, so errors name the key the operator actually set. */
    private record Setting(String key, String value) {}

    /** Key lookups for one agent type with the {@code llm} fallback. */
    private final class Lookup {
        private final String agentType;

        Lookup(String agentType) {
            this.agentType = agentType;
        }

        /** The agent type's own value only (no fallback), e.g. for its summarizer. */
        Optional<Setting> own(String name) {
            return property(agentType, name);
        }

        /** The agent type's value, else the {@code llm} value. */
        Optional<Setting> get(String name) {
            return own(name).or(() -> property(DEFAULT_TYPE, name));
        }

        Provider provider() {
            return own(PROVIDER).map(s -> Provider.parse(s.key, s.value)).orElseGet(this::defaultProvider);
        }

        /** An endpoint key: inherited from {@code llm} (and the environment) only when the provider is the same. */
        Optional<Setting> endpoint(String name, String envVariable) {
            Optional<Setting> own = own(name);
            if (own.isPresent() || (!agentType.equals(DEFAULT_TYPE) && provider() != defaultProvider())) {
                return own;
            }
            return property(DEFAULT_TYPE, name).or(() -> fromEnv(envVariable));
        }

        private Provider defaultProvider() {
            return property(DEFAULT_TYPE, PROVIDER)
                    .or(() -> fromEnv(ENV_PROVIDER))
                    .map(s -> Provider.parse(s.key, s.value))
                    .orElseGet(() -> isSet(Provider.ANTHROPIC.apiKeyEnv()) ? Provider.ANTHROPIC : Provider.OPENAI);
        }

        private Optional<Setting> property(String type, String name) {
            String key = PREFIX + type + "." + name;
            return properties.apply(key).filter(v -> !v.isBlank()).map(v -> new Setting(key, v));
        }

        private Optional<Setting> fromEnv(String variable) {
            if (variable == null) {
                return Optional.empty();
            }
            return Optional.ofNullable(env.apply(variable))
                    .filter(v -> !v.isBlank())
                    .map(v -> new Setting(variable, v));
        }

        private boolean isSet(String variable) {
            String value = env.apply(variable);
            return value != null && !value.isBlank();
        }
    }

    private static String requireText(Setting s) {
        String value = s.value.trim();
        if (value.isEmpty()) {
            throw new ConfigException(s.key, s.key + " must not be blank");
        }
        return value;
    }

    private static URI parseUrl(String key, String value) {
        try {
            URI uri = new URI(value.trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw new ConfigException(key, key + " must be an http(s) URL with a host, but was '" + value + "'");
            }
            if (uri.getUserInfo() != null) {
                throw new ConfigException(key, key + " must not carry credentials; use an API key setting instead");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ConfigException(key, key + " is not a valid URL (" + e.getReason() + "): '" + value + "'", e);
        }
    }

    private static int positiveInt(Setting s) {
        return ConfigValues.parseInt(s.key, s.value, 1, Integer.MAX_VALUE);
    }

    private static int nonNegativeInt(Setting s) {
        return ConfigValues.parseInt(s.key, s.value, 0, Integer.MAX_VALUE);
    }

    private static double nonNegativeDouble(Setting s) {
        return ConfigValues.parseDouble(s.key, s.value, 0, Double.MAX_VALUE);
    }

    private static double temperature(Setting s) {
        return ConfigValues.parseDouble(s.key, s.value, 0, 2);
    }

    private static Duration positiveDuration(Setting s) {
        return ConfigValues.parsePositiveDuration(s.key, s.value);
    }
}
