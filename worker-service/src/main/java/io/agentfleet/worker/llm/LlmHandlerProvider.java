package io.agentfleet.worker.llm;

import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.tracing.MessageTracing;
import io.agentfleet.worker.spi.AgentHandler;
import io.agentfleet.worker.spi.AgentHandlerProvider;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.env.Environment;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes {@code llm} handlers: for the agent type {@code llm} itself, and for every agent type configured with
 * {@code fleet.agents.<type>.handler=llm}, each bound to its {@code fleet.llm.<type>.*} settings (falling back to the
 * {@code llm} ones). Settings are read and validated when the worker asks, at start-up, so bad configuration stops
 * the worker with the key and value. All handlers of a process share one client, one circuit breaker per endpoint and
 * the Redis rate limiter, which uses the worker's own Redis access ({@link FleetRedis}, shared connection).
 */
@Singleton
public final class LlmHandlerProvider implements AgentHandlerProvider {
    /** The handler kind this provider makes. */
    public static final String KIND = "llm";

    private static final Logger LOG = LoggerFactory.getLogger(LlmHandlerProvider.class);

    private final LlmSettingsLoader loader;
    private final LlmTelemetry telemetry;
    private final LlmClient client;
    private final RedisTokenBucket bucket;

    @Inject
    public LlmHandlerProvider(
            Environment properties,
            FleetRedis redis,
            @Value("${fleet.prefix:fleet}") String prefix,
            MessageTracing tracing,
            MeterRegistry meters) {
        this(
                new LlmSettingsLoader(key -> properties.getProperty(key, String.class), System::getenv),
                redis,
                prefix,
                Clock.systemUTC(),
                new LlmTelemetry(tracing.enabled() ? tracing.tracer() : null, meters));
    }

    LlmHandlerProvider(LlmSettingsLoader loader, FleetRedis redis, String prefix, Clock clock, LlmTelemetry telemetry) {
        this.loader = loader;
        this.telemetry = telemetry;
        this.client = new LlmClient(new CircuitBreakers(clock, telemetry), clock, telemetry);
        this.bucket = new RedisTokenBucket(redis, prefix, clock);
    }

    @Override
    public Optional<AgentHandler> handlerFor(String agentType, String handlerKind) {
        String kind = handlerKind == null || handlerKind.isBlank() ? agentType : handlerKind;
        if (!KIND.equals(kind)) {
            return Optional.empty();
        }
        return Optional.of(create(agentType));
    }

    LlmHandler create(String agentType) {
        LlmSettings settings = loader.load(agentType);
        LlmSettings summarizer = settings.summarizer() == null ? null : loader.load(settings.summarizer());
        boolean rateLimited = settings.isRateLimited() || (summarizer != null && summarizer.isRateLimited());
        LOG.info(
                "llm handler for agent type {}: {} model {} at {}, key from {}, output {}, rate limit {}/min requests {}/min tokens{}",
                agentType,
                settings.provider().configName(),
                settings.model(),
                CircuitBreakers.label(settings),
                settings.apiKey().describe(),
                settings.output().name().toLowerCase(java.util.Locale.ROOT),
                settings.requestsPerMinute(),
                settings.tokensPerMinute(),
                summarizer == null ? "" : ", summarizer " + summarizer.agentType());
        return new LlmHandler(settings, summarizer, client, rateLimited ? bucket : null, telemetry);
    }
}
