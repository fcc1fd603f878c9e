package io.agentfleet.messages;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;

/**
 * One entry of a dead-letter stream ({@code prefix:{A}:dead}), as written by the worker.
 *
 * @param entryId the dead-letter stream entry id
 * @param agent the agent type
 * @param taskId the task id, empty when the message had none
 * @param reason why it was dead-lettered; {@link DeadLetterReason#UNKNOWN} when the entry names no reason this
 *     version knows (an entry added by hand or by another version)
 * @param attempts how many times the task ran or was delivered
 * @param error the last error, human readable
 * @param worker the consumer name of the worker that dead-lettered it
 * @param at epoch ms when it was dead-lettered
 * @param original the original message text, exactly as it was on the task stream
 * @param tenant the original message's {@code tenant}, empty when it had none (or the entry predates the field)
 */
public record DeadLetter(
        String entryId,
        String agent,
        String taskId,
        DeadLetterReason reason,
        int attempts,
        String error,
        String worker,
        long at,
        String original,
        String tenant) {

    /** The dead-letter stream entry field holding the tenant. */
    public static final String TENANT_FIELD = "tenant";

    /** The dead-letter stream entry field holding the {@link DeadLetterReason} name. */
    public static final String REASON_FIELD = "reason";

    public DeadLetter {
        Objects.requireNonNull(reason, "reason");
    }

    /** Reads a dead letter from the fields of its stream entry. */
    public static DeadLetter fromFields(String entryId, String agent, Map<String, String> fields) {
        return new DeadLetter(
                entryId,
                agent,
                fields.getOrDefault("taskId", ""),
                DeadLetterReason.parse(fields.get(REASON_FIELD)),
                parseInt(fields.get("attempts")),
                fields.getOrDefault("error", ""),
                fields.getOrDefault("worker", ""),
                parseLong(fields.get("at")),
                fields.getOrDefault(StreamKeys.MESSAGE_FIELD, ""),
                fields.getOrDefault(TENANT_FIELD, ""));
    }

    /**
     * The top-level {@code tenant} of a message text, read without building the message, so that a message that
     * failed validation (too deep, too large, a bad field) is still attributed; empty when there is none or it is not
     * a valid id.
     */
    public static String tenantOf(String messageText) {
        if (messageText == null || messageText.isEmpty()) {
            return "";
        }
        try (JsonParser parser = TENANT_READER.createParser(messageText)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return "";
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (TENANT_FIELD.equals(name)) {
                    return value == JsonToken.VALUE_STRING && Names.isId(parser.getText()) ? parser.getText() : "";
                }
                parser.skipChildren();
            }
        } catch (IOException e) {
            // Unreadable past some point: no tenant before it.
        }
        return "";
    }

    /**
     * The message to enqueue when this dead letter is redriven: the original task as attempt 1 with a new message id
     * and no deadline (an operator who redrives wants it to run).
     *
     * @throws InvalidMessageException when the original cannot be decoded (a malformed message cannot be redriven)
     */
    public AgentMessage redriveMessage(MessageCodec codec) {
        AgentMessage original = codec.decode(this.original);
        return original.toBuilder()
                .messageId(Ids.newId())
                .parentMessageId(original.messageId())
                .attempt(1)
                .deadline((Long) null)
                .build();
    }

    // skipChildren tracks depth without building anything; the bound only keeps a hostile text from running long.
    private static final JsonFactory TENANT_READER = JsonFactory.builder()
            .streamReadConstraints(
                    StreamReadConstraints.builder().maxNestingDepth(10_000).build())
            .build();

    private static int parseInt(String value) {
        try {
            return value == null ? 0 : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static long parseLong(String value) {
        try {
            return value == null ? 0 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
