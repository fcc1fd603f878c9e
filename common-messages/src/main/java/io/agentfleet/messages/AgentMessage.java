package io.agentfleet.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The one message type on every AgentFleet stream (schema version {@value #SCHEMA_VERSION}). A REQUEST is a task for
 * the agent type named by {@code recipient}; RESULT and ERROR carry its outcome back. {@code taskId} is the
 * idempotency key: a task's outcome is recorded once per task id, however often it runs.
 *
 * <p>Construction validates every field and throws {@link InvalidMessageException} naming the field. Top-level fields
 * this version does not know are kept in {@link #extensions()} and written back out, so a message passed on keeps
 * them: a retry, a redriven dead letter and the RESULT, ERROR or CLARIFICATION_NEEDED answering a task
 * ({@link #resultOf}, {@link #errorOf}) carry the task's extensions. Unknown fields inside {@code metadata} and
 * {@code trace} are not kept.
 *
 * @param schemaVersion always {@value #SCHEMA_VERSION} for this version
 * @param messageId unique, time-sortable id of this message (see {@link Ids#newId()})
 * @param taskId idempotency key of the task
 * @param runId workflow run this task belongs to, or null
 * @param parentMessageId the message this one answers or derives from, or null
 * @param sender who sent it (a service, an agent type), or null
 * @param recipient the agent type that must handle it
 * @param attempt 1 for the first run; a retry carries the next number
 * @param maxAttempts runs allowed before dead-lettering; 0 means the worker's configured default
 * @param deadline epoch milliseconds after which the task is expired, or null
 * @param replyTo where a caller wants the outcome (informational), or null
 * @param content the payload, always a JSON object
 * @param metadata usage reported with results (never null; {@link Metadata#EMPTY} when absent)
 * @param trace W3C trace context, or null
 * @param createdAt epoch milliseconds at creation
 * @param tenant the tenant the task is attributed to (its dead letters are listed, redriven and purged by that tenant
 *     through the orchestrator's API), or null; kept through retries and outcomes
 * @param priority the task's level (never null; NORMAL when absent on the wire, and then not written; a value that
 *     names no level is kept as an extension and reads as NORMAL); kept through retries, redrives and outcomes, so a
 *     retry or a redriven dead letter goes back to its level's stream
 * @param extensions fields unknown to this version, preserved in order
 */
public record AgentMessage(
        int schemaVersion,
        String messageId,
        MessageType type,
        String taskId,
        String runId,
        String parentMessageId,
        String sender,
        String recipient,
        int attempt,
        int maxAttempts,
        Long deadline,
        String replyTo,
        ObjectNode content,
        Metadata metadata,
        TraceContext trace,
        long createdAt,
        String tenant,
        Priority priority,
        Map<String, JsonNode> extensions) {

    /** The schema version this code reads and writes. */
    public static final int SCHEMA_VERSION = 1;

    public AgentMessage {
        if (schemaVersion != SCHEMA_VERSION) {
            throw new InvalidMessageException(
                    "schemaVersion", "unsupported version " + schemaVersion + ", this worker reads " + SCHEMA_VERSION);
        }
        Names.requireId("messageId", messageId);
        if (type == null) {
            throw new InvalidMessageException("type", "is required");
        }
        Names.requireId("taskId", taskId);
        if (runId != null) {
            Names.requireId("runId", runId);
        }
        Names.requireAgentType("recipient", recipient);
        if (attempt < 1) {
            throw new InvalidMessageException("attempt", "must be >= 1, but was " + attempt);
        }
        if (maxAttempts < 0) {
            throw new InvalidMessageException("maxAttempts", "must be >= 0, but was " + maxAttempts);
        }
        if (content == null) {
            throw new InvalidMessageException("content", "is required and must be a JSON object");
        }
        if (createdAt <= 0) {
            throw new InvalidMessageException("createdAt", "must be epoch milliseconds > 0, but was " + createdAt);
        }
        if (tenant != null) {
            Names.requireId("tenant", tenant);
        }
        metadata = metadata == null ? Metadata.EMPTY : metadata;
        priority = priority == null ? Priority.NORMAL : priority;
        extensions = extensions == null || extensions.isEmpty()
                ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(extensions));
        if (priority != Priority.NORMAL && extensions.containsKey(MessageFields.PRIORITY)) {
            // A level replaces an unknown "priority" value kept from an older message.
            Map<String, JsonNode> rest = new LinkedHashMap<>(extensions);
            rest.remove(MessageFields.PRIORITY);
            extensions = Collections.unmodifiableMap(rest);
        }
    }

    /** Starts a REQUEST for {@code recipient} with fresh message and task ids, attempt 1, created now. */
    public static Builder request(String recipient, ObjectNode content) {
        return new Builder()
                .type(MessageType.REQUEST)
                .recipient(recipient)
                .content(content)
                .messageId(Ids.newId())
                .taskId(Ids.newId())
                .attempt(1)
                .createdAt(System.currentTimeMillis());
    }

    /** A builder holding this message's fields, to derive a new message from it. */
    public Builder toBuilder() {
        return new Builder()
                .messageId(messageId)
                .type(type)
                .taskId(taskId)
                .runId(runId)
                .parentMessageId(parentMessageId)
                .sender(sender)
                .recipient(recipient)
                .attempt(attempt)
                .maxAttempts(maxAttempts)
                .deadline(deadline)
                .replyTo(replyTo)
                .content(content)
                .metadata(metadata)
                .trace(trace)
                .createdAt(createdAt)
                .tenant(tenant)
                .priority(priority)
                .extensions(extensions);
    }

    /** The same task as a new message for its next attempt. */
    public AgentMessage nextAttempt() {
        return toBuilder()
                .messageId(Ids.newId())
                .parentMessageId(messageId)
                .attempt(attempt + 1)
                .build();
    }

    /** Whether the deadline, if any, has passed at {@code now}. */
    public boolean isExpiredAt(Instant now) {
        return deadline != null && now.toEpochMilli() > deadline;
    }

    /** A RESULT answering this request, sent by {@code sender}, with the given output and usage. */
    public AgentMessage resultOf(String sender, ObjectNode output, Metadata usage) {
        return answer(MessageType.RESULT, sender, output, usage);
    }

    /** An ERROR answering this request, carrying the terminal reason and the failure. */
    public AgentMessage errorOf(String sender, ErrorContent error) {
        return answer(MessageType.ERROR, sender, error.toJson(), Metadata.EMPTY);
    }

    /** The content of this ERROR, read leniently (see {@link ErrorContent#of}). */
    public ErrorContent errorContent() {
        if (type != MessageType.ERROR) {
            throw new IllegalStateException("message " + messageId + " is a " + type + ", not an ERROR");
        }
        return ErrorContent.of(content);
    }

    private AgentMessage answer(MessageType answerType, String answerSender, ObjectNode body, Metadata usage) {
        return new Builder()
                .messageId(Ids.newId())
                .type(answerType)
                .taskId(taskId)
                .runId(runId)
                .extensions(extensions)
                .parentMessageId(messageId)
                .sender(answerSender)
                .recipient(recipient)
                .attempt(attempt)
                .maxAttempts(maxAttempts)
                .replyTo(replyTo)
                .content(body)
                .metadata(usage)
                .trace(trace)
                .createdAt(System.currentTimeMillis())
                .tenant(tenant)
                .priority(priority)
                .build();
    }

    /** Mutable builder; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        private String messageId;
        private MessageType type;
        private String taskId;
        private String runId;
        private String parentMessageId;
        private String sender;
        private String recipient;
        private int attempt = 1;
        private int maxAttempts;
        private Long deadline;
        private String replyTo;
        private ObjectNode content;
        private Metadata metadata = Metadata.EMPTY;
        private TraceContext trace;
        private long createdAt;
        private String tenant;
        private Priority priority = Priority.NORMAL;
        private Map<String, JsonNode> extensions = Map.of();

        public Builder messageId(String value) {
            this.messageId = value;
            return this;
        }

        public Builder type(MessageType value) {
            this.type = value;
            return this;
        }

        public Builder taskId(String value) {
            this.taskId = value;
            return this;
        }

        public Builder runId(String value) {
            this.runId = value;
            return this;
        }

        public Builder parentMessageId(String value) {
            this.parentMessageId = value;
            return this;
        }

        public Builder sender(String value) {
            this.sender = value;
            return this;
        }

        public Builder recipient(String value) {
            this.recipient = value;
            return this;
        }

        public Builder attempt(int value) {
            this.attempt = value;
            return this;
        }

        public Builder maxAttempts(int value) {
            this.maxAttempts = value;
            return this;
        }

        public Builder deadline(Long epochMillis) {
            this.deadline = epochMillis;
            return this;
        }

        public Builder deadline(Instant value) {
            this.deadline = value == null ? null : value.toEpochMilli();
            return this;
        }

        public Builder replyTo(String value) {
            this.replyTo = value;
            return this;
        }

        public Builder content(ObjectNode value) {
            this.content = value;
            return this;
        }

        public Builder metadata(Metadata value) {
            this.metadata = value;
            return this;
        }

        public Builder trace(TraceContext value) {
            this.trace = value;
            return this;
        }

        public Builder createdAt(long epochMillis) {
            this.createdAt = epochMillis;
            return this;
        }

        public Builder tenant(String value) {
            this.tenant = value;
            return this;
        }

        public Builder priority(Priority value) {
            this.priority = value;
            return this;
        }

        public Builder extensions(Map<String, JsonNode> value) {
            this.extensions = value;
            return this;
        }

        public AgentMessage build() {
            return new AgentMessage(
                    SCHEMA_VERSION,
                    messageId,
                    type,
                    taskId,
                    runId,
                    parentMessageId,
                    sender,
                    recipient,
                    attempt,
                    maxAttempts,
                    deadline,
                    replyTo,
                    content,
                    metadata,
                    trace,
                    createdAt,
                    tenant,
                    priority,
                    extensions);
        }
    }

    /** Hashes the ids only: hashing the content tree would cost more than the equality it serves. */
    @Override
    public int hashCode() {
        return Objects.hash(messageId, taskId, attempt);
    }
}
