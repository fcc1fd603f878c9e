package io.agentfleet.langchain4j;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import io.agentfleet.worker.spi.AgentHandler;
import io.agentfleet.worker.spi.AgentHandlerProvider;
import io.micronaut.context.env.Environment;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes {@code langchain4j} handlers: every agent type configured with {@code fleet.agents.<type>.handler=langchain4j}
 * gets a {@link LangChain4jHandler} over an {@link OpenAiChatModel} built from its {@link LangChain4jSettings}. The
 * worker finds this provider as a Micronaut bean once this module's jar is on its class path; settings are read at
 * start-up, so bad configuration stops the worker with the key.
 */
@Singleton
public final class LangChain4jHandlerProvider implements AgentHandlerProvider {
    /** The handler kind this provider makes. */
    public static final String KIND = "langchain4j";

    private static final Logger LOG = LoggerFactory.getLogger(LangChain4jHandlerProvider.class);

    private final Environment properties;

    @Inject
    public LangChain4jHandlerProvider(Environment properties) {
        this.properties = properties;
    }

    @Override
    public Optional<AgentHandler> handlerFor(String agentType, String handlerKind) {
        if (!KIND.equals(handlerKind)) {
            return Optional.empty();
        }
        LangChain4jSettings settings =
                LangChain4jSettings.load(agentType, key -> properties.getProperty(key, String.class), System::getenv);
        LOG.info("langchain4j handler for agent type {}: {}", agentType, settings);
        return Optional.of(new LangChain4jHandler(agentType, chatModel(settings), settings.apiKey()));
    }

    /**
     * The model for {@code settings}, with LangChain4j's own retries off ({@code maxRetries(0)}): the fleet retries
     * with backoff, and a model that retried too would multiply the calls and hide the provider's {@code Retry-After}.
     */
    public static ChatModel chatModel(LangChain4jSettings settings) {
        return OpenAiChatModel.builder()
                .baseUrl(settings.baseUrl().toString())
                .apiKey(settings.apiKey().isEmpty() ? "none" : settings.apiKey())
                .modelName(settings.model())
                .maxCompletionTokens(settings.maxOutputTokens())
                .timeout(settings.timeout())
                .maxRetries(0)
                .httpClientBuilder(new RetryAfterHttpClientBuilder())
                .build();
    }
}
