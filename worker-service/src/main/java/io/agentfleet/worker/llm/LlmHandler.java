package io.agentfleet.worker.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.Metadata;
import io.agentfleet.worker.agents.TaskContent;
import io.agentfleet.worker.spi.AgentHandler;
import io.agentfleet.worker.spi.HandlerFailure;
import io.agentfleet.worker.spi.HandlerResult;
import io.agentfleet.worker.spi.TaskContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code llm} handler bound to one agent type's {@link LlmSettings}: builds the prompt from the task (fitted to the
 * context limit), waits for the shared rate limit, calls the provider, and returns {@code {"text": ...}} or, for JSON
 * agent types, {@code {"text": ..., "json": ...}} with usage (tokens, cost, model, latency) as metadata. With
 * {@code content.tools} the model may ask for tool calls instead: the output is then {@code {"text", "toolCalls":
 * [{id, name, arguments}], "stopReason"}} and running the tools is the caller's business ({@link ToolExchange}).
 *
 * <p>An output schema is enforced by the provider when {@code structured-output=native} (the default); an answer that
 * still fails validation fails the task permanently with {@code INVALID_OUTPUT}. With {@code structured-output=prompt}
 * (servers without native support) and for JSON without a schema, invalid answers are repaired within the same task:
 * the answer goes back to the model with the validation error up to {@code output-repairs} times, after which the task
 * fails permanently with {@code INVALID_OUTPUT} (a dead letter) naming the last error.
 */
final class LlmHandler implements AgentHandler {
    /** Fields of a JSON answer copied to the top of the result, where the orchestrator looks for them. */
    static final List<String> CONVENTION_FIELDS = List.of("spawn", "plan", "approved", "feedback");

    static final String SUMMARIZE_PROMPT = "You condense material for another AI agent. Keep every fact, number, name, "
            + "decision and open question that could matter; drop repetition and filler. Answer with the condensed text only.";

    private static final Logger LOG = LoggerFactory.getLogger(LlmHandler.class);

    private final LlmSettings settings;
    private final LlmSettings summarizer;
    private final LlmClient client;
    private final RedisTokenBucket bucket;
    private final LlmTelemetry telemetry;

    /**
     * @param summarizer the summarizer agent type's settings, or null when none is configured
     * @param bucket the shared rate limiter, or null when neither settings object is rate limited
     */
    LlmHandler(
            LlmSettings settings,
            LlmSettings summarizer,
            LlmClient client,
            RedisTokenBucket bucket,
            LlmTelemetry telemetry) {
        this.settings = settings;
        this.summarizer = summarizer;
        this.client = client;
        this.bucket = bucket;
        this.telemetry = telemetry;
    }

    @Override
    public String agentType() {
        return settings.agentType();
    }

    LlmSettings settings() {
        return settings;
    }

    @Override
    public HandlerResult handle(AgentMessage task, TaskContext context) throws Exception {
        Instant started = context.clock().instant();
        Usage usage = new Usage();
        // The orchestrator sends the tokens it reserved for the task against its run's budget: the answer stays within.
        LlmSettings capped = settings.cappedAt(task.content().path("maxTokens").asLong(0));
        PromptParts parts = PromptParts.of(capped, TaskContent.of(task.content()));
        try {
            List<ToolDefinition> tools = ToolExchange.definitions(task.content());
            List<ChatMessage> conversation = ToolExchange.conversation(task.content());
            long reserved = capped.tokenCounter().count(new LlmRequest(null, conversation, tools).text());
            PromptParts fitted = ContextFitter.fit(parts, capped, summarizerFor(usage, context), reserved);
            LlmRequest request =
                    fitted.toRequest().withTools(tools).followedBy(conversation.toArray(ChatMessage[]::new));
            ObjectNode output = answer(capped, request, usage, context);
            return HandlerResult.of(output, usage.toMetadata(millisSince(started, context)));
        } catch (HandlerFailure e) {
            // The calls made before the failure were paid for: the dead letter reports them.
            throw e.usage().equals(Metadata.EMPTY) ? e.withUsage(usage.toMetadata(millisSince(started, context))) : e;
        }
    }

    private static long millisSince(Instant started, TaskContext context) {
        return Math.max(0, Duration.between(started, context.clock().instant()).toMillis());
    }

    private ObjectNode answer(LlmSettings with, LlmRequest request, Usage usage, TaskContext context)
            throws InterruptedException {
        LlmRequest conversation = request;
        for (int answers = 1; ; answers++) {
            LlmResponse response = call(with, conversation, usage, context);
            usage.answeredBy(response.model());
            if (response.refusal() != null) {
                throw HandlerFailure.permanent(
                        "MODEL_REFUSED",
                        Redactor.redact(
                                "the model of agent type " + settings.agentType() + " declined: " + response.refusal(),
                                settings.apiKey()));
            }
            if (response.hasToolCalls()) {
                return ToolExchange.toolCallsOutput(response);
            }
            if (settings.output() == OutputMode.TEXT) {
                return textOutput(response);
            }
            JsonAnswer json = JsonAnswer.read(response.text(), settings.outputSchema());
            if (json.isValid()) {
                return jsonOutput(response, json.value());
            }
            // A provider that enforces the schema natively gets no repair calls: a second sample would not help.
            int repairs = settings.nativeOutputSchema() != null ? 0 : settings.outputRepairs();
            if (answers > repairs) {
                throw HandlerFailure.permanent(
                        "INVALID_OUTPUT",
                        Redactor.redact(
                                "agent type " + settings.agentType() + " gave no valid JSON in " + answers
                                        + " answers; last error: " + json.error(),
                                settings.apiKey()));
            }
            conversation = conversation.followedBy(
                    ChatMessage.assistant(response.text()),
                    ChatMessage.user("Your previous answer was invalid: " + json.error()
                            + "\nAnswer again with only the corrected JSON."));
        }
    }

    private LlmResponse call(LlmSettings with, LlmRequest request, Usage usage, TaskContext context)
            throws InterruptedException {
        LlmClient.Admission admission = bucket == null
                ? LlmClient.Admission.NONE
                : () -> bucket.acquire(
                        with, with.tokenCounter().count(request.text()) + with.maxTokens(), context.deadline());
        LlmResponse response = client.complete(with, request, admission, () -> timeLeft(context));
        Usage.Spent spent = usage.add(with, request, response);
        telemetry.usage(with, spent.tokensIn(), spent.tokensOut(), spent.cost());
        return response;
    }

    private ContextFitter.Summarizer summarizerFor(Usage usage, TaskContext context) {
        if (summarizer == null) {
            return null;
        }
        return (text, targetChars) -> {
            TokenCounter counter = summarizer.tokenCounter();
            long limit = ContextFitter.promptBudgetTokens(summarizer) - counter.count(SUMMARIZE_PROMPT) - 50;
            String material = ContextFitter.cutToTokens(text, limit, counter);
            int words = Math.max(20, targetChars / 6);
            LlmRequest request = new LlmRequest(
                    SUMMARIZE_PROMPT,
                    List.of(ChatMessage.user("Condense the following to at most " + words + " words:\n\n" + material)));
            try {
                return call(summarizer, request, usage, context).text();
            } catch (HandlerFailure e) {
                // Cutting is the documented fallback; the failure (already redacted) says why.
                LOG.warn(
                        "summarizer {} failed for agent type {}, cutting instead: {}",
                        summarizer.agentType(),
                        settings.agentType(),
                        e.getMessage());
                return null;
            }
        };
    }

    private static Duration timeLeft(TaskContext context) {
        return context.deadline() == null ? null : context.remaining();
    }

    private static ObjectNode textOutput(LlmResponse response) {
        ObjectNode output = JsonNodeFactory.instance.objectNode();
        output.put("text", response.text());
        markTruncated(output, response);
        return output;
    }

    private static ObjectNode jsonOutput(LlmResponse response, JsonNode value) {
        ObjectNode output = textOutput(response);
        output.set("json", value);
        if (value.isObject()) {
            for (String field : CONVENTION_FIELDS) {
                if (value.has(field)) {
                    output.set(field, value.get(field));
                }
            }
        }
        return output;
    }

    private static void markTruncated(ObjectNode output, LlmResponse response) {
        String reason = response.stopReason();
        if ("length".equals(reason) || "max_tokens".equals(reason)) {
            output.put("truncated", true);
        }
    }
}
