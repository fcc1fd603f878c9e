package io.agentfleet.langchain4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.Metadata;
import io.agentfleet.worker.spi.AgentHandler;
import io.agentfleet.worker.spi.HandlerFailure;
import io.agentfleet.worker.spi.HandlerResult;
import io.agentfleet.worker.spi.TaskContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Runs a LangChain4j {@link ChatModel} as an agent type: one chat call per task. The task's {@code content.input}
 * (text, or any JSON, sent as its JSON text) is the user message and {@code content.system}, when given, the system
 * message. The output is {@code {"text": answer}}, plus {@code "json"} when the answer is a JSON object or array;
 * the model's token usage is reported in the outcome's metadata.
 *
 * <p>Retries belong to the fleet: build the model with {@code maxRetries(0)}, so that a failed call comes back at
 * once as a {@link HandlerFailure} (timeouts, 429 and 5xx retryable, with the provider's {@code Retry-After} when
 * the model uses {@link RetryAfterHttpClientBuilder}; 400, 401, 403 and 404 permanent) and the worker's backoff,
 * attempts and dead letters apply. Thread-safe when the model is (LangChain4j's provider models are).
 */
public final class LangChain4jHandler implements AgentHandler {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String agentType;
    private final ChatModel model;
    private final String apiKey;

    public LangChain4jHandler(String agentType, ChatModel model) {
        this(agentType, model, null);
    }

    /** Removes {@code apiKey} from failure messages, where a provider's error body might echo it. */
    LangChain4jHandler(String agentType, ChatModel model, String apiKey) {
        this.agentType = Objects.requireNonNull(agentType, "agentType");
        this.model = Objects.requireNonNull(model, "model");
        this.apiKey = apiKey == null || apiKey.isEmpty() ? null : apiKey;
    }

    @Override
    public String agentType() {
        return agentType;
    }

    @Override
    public HandlerResult handle(AgentMessage task, TaskContext context) {
        ChatRequest request = ChatRequest.builder().messages(messages(task)).build();
        ChatResponse response = chat(request);
        return HandlerResult.of(output(response), usage(response));
    }

    private List<ChatMessage> messages(AgentMessage task) {
        JsonNode content = task.content();
        JsonNode input = content.get("input");
        if (input == null
                || input.isNull()
                || (input.isTextual() && input.asText().isBlank())) {
            throw HandlerFailure.permanent(
                    "INVALID_INPUT", "agent type " + agentType + " needs content.input (the user message)");
        }
        List<ChatMessage> messages = new ArrayList<>(2);
        JsonNode system = content.get("system");
        if (system != null && system.isTextual() && !system.asText().isBlank()) {
            messages.add(SystemMessage.from(system.asText()));
        }
        messages.add(UserMessage.from(input.isTextual() ? input.asText() : input.toString()));
        return messages;
    }

    private ChatResponse chat(ChatRequest request) {
        try {
            return model.chat(request);
        } catch (RuntimeException e) {
            throw ModelFailures.toHandlerFailure(agentType, e, apiKey);
        }
    }

    private static ObjectNode output(ChatResponse response) {
        String text = response.aiMessage() == null ? null : response.aiMessage().text();
        ObjectNode output = JSON.createObjectNode();
        output.put("text", text == null ? "" : text);
        JsonNode json = jsonIn(text);
        if (json != null) {
            output.set("json", json);
        }
        return output;
    }

    private static JsonNode jsonIn(String text) {
        if (text == null) {
            return null;
        }
        String trimmed = text.strip();
        if (!(trimmed.startsWith("{") || trimmed.startsWith("["))) {
            return null;
        }
        try {
            return JSON.readTree(trimmed);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return null;
        }
    }

    private static Metadata usage(ChatResponse response) {
        TokenUsage tokens = response.tokenUsage();
        Long in = tokens == null || tokens.inputTokenCount() == null
                ? null
                : tokens.inputTokenCount().longValue();
        Long out = tokens == null || tokens.outputTokenCount() == null
                ? null
                : tokens.outputTokenCount().longValue();
        // The worker sets the latency: the handler's whole run.
        return new Metadata(in, out, null, response.modelName(), null, null);
    }
}
