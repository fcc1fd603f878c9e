package io.agentfleet.messages;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * JSON codec for {@link AgentMessage}. Decoding treats input as untrusted: size and nesting are bounded, Jackson runs
 * without default typing (nothing in a message can name a Java type), and every problem is an
 * {@link InvalidMessageException} naming the field. Unknown fields are kept in {@link AgentMessage#extensions()}.
 * Instances are immutable and thread-safe.
 */
public final class MessageCodec {
    /**
     * The largest magnitude of a 64-bit integer field on the wire (JavaScript's {@code Number.MAX_SAFE_INTEGER}), so
     * that every producer, a JavaScript one included, reads and writes it exactly; epoch milliseconds reach the year
     * 287396.
     */
    public static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

    private final MessageLimits limits;
    /**
     * The buffer to start an encoding with: the last message's size, so that messages of one kind are written into
     * one block instead of growing it (and copying the blocks) several times. Shared unsynchronised: only a guess.
     */
    private int sizeHint = MIN_SIZE_HINT;

    private static final int MIN_SIZE_HINT = 512;
    private static final int MAX_SIZE_HINT = 64 * 1024;
    private final ObjectMapper mapper;

    public MessageCodec() {
        this(MessageLimits.DEFAULT);
    }

    public MessageCodec(MessageLimits limits) {
        this.limits = limits;
        JsonFactory factory = JsonFactory.builder()
                // Jackson's default buffer pool is per thread; the services encode and decode on short-lived virtual
                // threads, where it would allocate fresh buffers for every message.
                .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
                // UTF-8 output writes characters outside the BMP as 4 bytes, as the text encoding does, not as escapes.
                .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(limits.maxNestingDepth())
                        .maxStringLength(limits.maxBytes())
                        .maxNumberLength(MessageLimits.MAX_NUMBER_CHARS)
                        .maxNameLength(MessageLimits.MAX_NAME_CHARS)
                        .build())
                .build();
        this.mapper = new ObjectMapper(factory);
    }

    public MessageLimits limits() {
        return limits;
    }

    /** The mapper this codec uses, configured with its limits, for callers that parse nested payloads. */
    public ObjectMapper mapper() {
        return mapper;
    }

    /** Encodes a message, {@code schemaVersion} first. */
    public String encode(AgentMessage message) {
        StringWriter out = new StringWriter(256 + message.content().size() * 32);
        try (JsonGenerator gen = mapper.createGenerator(out)) {
            new MessageWriter(mapper).write(gen, message);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode message " + message.messageId(), e);
        }
        return out.toString();
    }

    /** Encodes a message as UTF-8 bytes, exactly {@code encode(message)}'s text, without building that string. */
    public byte[] encodeUtf8(AgentMessage message) {
        byte[] direct = new DirectMessageWriter(limits.maxNestingDepth()).write(message);
        return direct != null ? direct : encodeUtf8(message, new MessageWriter(mapper));
    }

    private byte[] encodeUtf8(AgentMessage message, MessageWriter writer) {
        try (ByteArrayBuilder out = new ByteArrayBuilder(sizeHint);
                JsonGenerator gen = mapper.createGenerator(out, JsonEncoding.UTF8)) {
            writer.write(gen, message);
            gen.flush();
            byte[] utf8 = out.toByteArray();
            sizeHint = Math.clamp(utf8.length + 64L, MIN_SIZE_HINT, MAX_SIZE_HINT);
            return utf8;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode message " + message.messageId(), e);
        }
    }

    /**
     * {@code encodeUtf8(message)}, checked as {@link #requireDecodable(AgentMessage, byte[])} checks it: for an outcome
     * about to be written. When the writer saw only plain nodes (objects, arrays, strings, booleans, int and long
     * numbers) within the depth limit, the size is all that is left to check, so the text is not tokenized again.
     *
     * @throws InvalidMessageException as {@link #decode(byte[])} would throw on the encoding
     */
    public byte[] encodeDecodable(AgentMessage message) {
        DirectMessageWriter direct = new DirectMessageWriter(limits.maxNestingDepth());
        byte[] written = direct.write(message);
        if (written != null) {
            // Written only below the depth limit, and only from plain nodes.
            if (written.length <= limits.maxBytes() && roundTripsExactly(message, written.length)) {
                return written;
            }
            requireDecodable(message, written);
            return written;
        }
        MessageWriter writer = new MessageWriter(mapper);
        byte[] utf8 = encodeUtf8(message, writer);
        if (writer.onlyPlainNodes()
                && writer.deepest() < limits.maxNestingDepth()
                && utf8.length <= limits.maxBytes()
                && roundTripsExactly(message, utf8.length)) {
            return utf8;
        }
        requireDecodable(message, utf8);
        return utf8;
    }

    /**
     * Decodes and validates one message.
     *
     * @throws InvalidMessageException naming the field and the reason, for anything but a valid message
     */
    public AgentMessage decode(String json) {
        ObjectNode root = parseObject(json);
        return fromTree(root);
    }

    /**
     * Decodes and validates one message from its UTF-8 bytes (as read from a stream entry), without building a string
     * of the whole message first.
     *
     * @throws InvalidMessageException naming the field and the reason, for anything but a valid message
     */
    public AgentMessage decode(byte[] utf8) {
        if (utf8 == null) {
            throw new InvalidMessageException(StreamKeys.MESSAGE_FIELD, "is missing from the stream entry");
        }
        if (utf8.length > limits.maxBytes()) {
            throw new InvalidMessageException(
                    "$", "message is larger than the limit of " + limits.maxBytes() + " bytes");
        }
        JsonNode root;
        try {
            root = mapper.readTree(utf8);
        } catch (IOException e) {
            throw ParseErrors.unparseable(e);
        }
        return fromTree(requireObject(root));
    }

    /**
     * Checks that {@code json}, which must be {@code encode(message)} of this codec, decodes: throws exactly what
     * {@code decode(json)} would throw, and nothing when it would succeed. A message that passed its record's checks
     * round-trips unless the encoding breaks a parser limit (size, nesting depth, number length), so for the usual
     * message this only streams over the tokens instead of building and re-validating a tree. Messages whose encoding
     * could decode differently (an extension named like a known field, a non-finite metadata number) or that are
     * long enough to reach the parser's name-length limit take the full {@link #decode(String)}.
     *
     * @throws InvalidMessageException as {@link #decode(String)} would
     */
    public void requireDecodable(AgentMessage message, String json) {
        if (!roundTripsExactly(message, json.length())) {
            decode(json);
            return;
        }
        requireWithinSize(json);
        ParseErrors.requireWithinParserLimits(() -> mapper.createParser(json));
    }

    /**
     * {@link #requireDecodable(AgentMessage, String)} for {@code encodeUtf8(message)}: checks that an outcome about to
     * be written can be read back by every reader of this codec (its size first, at no cost).
     *
     * @throws InvalidMessageException as {@link #decode(byte[])} would
     */
    public void requireDecodable(AgentMessage message, byte[] utf8) {
        if (utf8.length > limits.maxBytes()) {
            throw new InvalidMessageException(
                    "$", "message is larger than the limit of " + limits.maxBytes() + " bytes");
        }
        if (!roundTripsExactly(message, utf8.length)) {
            decode(utf8);
            return;
        }
        ParseErrors.requireWithinParserLimits(() -> mapper.createParser(utf8));
    }

    /** Below the parser's default name-length limit, no single field name can break it. */
    private static final int FAST_CHECK_MAX_CHARS = MessageLimits.MAX_NAME_CHARS;

    /** {@code length} in chars or bytes: a text of n chars has at least n bytes, so either bound is safe. */
    private static boolean roundTripsExactly(AgentMessage message, int length) {
        if (length >= FAST_CHECK_MAX_CHARS) {
            return false;
        }
        for (String name : message.extensions().keySet()) {
            if (MessageFields.KNOWN_FIELDS.contains(name)) {
                return false;
            }
        }
        Metadata m = message.metadata();
        return (m.cost() == null || Double.isFinite(m.cost()))
                && (m.confidence() == null || Double.isFinite(m.confidence()));
    }

    /** Parses untrusted JSON into an object node under this codec's limits. */
    public ObjectNode parseObject(String json) {
        if (json == null) {
            throw new InvalidMessageException(StreamKeys.MESSAGE_FIELD, "is missing from the stream entry");
        }
        requireWithinSize(json);
        JsonNode root;
        try {
            root = mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw ParseErrors.unparseable(e);
        }
        return requireObject(root);
    }

    private static ObjectNode requireObject(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new InvalidMessageException("$", "must be a JSON object");
        }
        return (ObjectNode) root;
    }

    /** Best effort: the task id of a message that may fail validation, so its failure can still be recorded. */
    public Optional<String> peekTaskId(String json) {
        return json == null
                ? Optional.empty()
                : peekIds(json.getBytes(StandardCharsets.UTF_8)).map(PeekedIds::taskId);
    }

    /**
     * Best effort, for a message that failed {@link #decode(byte[])}: its top-level {@code taskId}, {@code runId} and
     * {@code tenant},
     * found by a lenient scan that builds no tree and reads at most {@value #PEEK_SCAN_FACTOR} times
     * {@link MessageLimits#maxBytes()} bytes, so that an oversize, over-deep or otherwise invalid task can still be
     * answered under its task id. Empty when no valid task id is found; a run id that is not a valid id is left out.
     */
    public Optional<PeekedIds> peekIds(byte[] utf8) {
        if (utf8 == null) {
            return Optional.empty();
        }
        Map<String, String> found = TopLevelScan.strings(utf8, peekScanBytes(), PEEKED_FIELDS);
        String taskId = found.get("taskId");
        if (!Names.isId(taskId)) {
            return Optional.empty();
        }
        String runId = found.get("runId");
        String tenant = found.get("tenant");
        return Optional.of(new PeekedIds(taskId, Names.isId(runId) ? runId : null, Names.isId(tenant) ? tenant : null));
    }

    /**
     * The ids {@link #peekIds(byte[])} found in a message that failed validation.
     *
     * @param taskId a valid task id
     * @param runId a valid run id, or null when the message had none (or an invalid one)
     * @param tenant a valid tenant, or null when the message had none (or an invalid one)
     */
    public record PeekedIds(String taskId, String runId, String tenant) {
        public PeekedIds {
            Names.requireId("taskId", taskId);
        }
    }

    /** How many times the message limit {@link #peekIds(byte[])} scans at most. */
    public static final int PEEK_SCAN_FACTOR = 16;

    private static final Set<String> PEEKED_FIELDS = Set.of("taskId", "runId", "tenant");

    private int peekScanBytes() {
        return (int) Math.min(Integer.MAX_VALUE, (long) limits.maxBytes() * PEEK_SCAN_FACTOR);
    }

    /**
     * Decodes a delivery of the task stream of {@code agentType}: a valid message that is also a REQUEST addressed to
     * that agent type (what the published schema's {@code task} definition and its {@code recipient} rule state).
     *
     * @throws InvalidMessageException naming the field and the reason, for anything else
     */
    public AgentMessage decodeTask(byte[] utf8, String agentType) {
        EnvelopeParser.Envelope envelope = parseTask(utf8);
        AgentMessage message = MessageFields.toMessage(requireObject(envelope.tree()), envelope.unknownFields());
        if (message.type() != MessageType.REQUEST) {
            throw new InvalidMessageException("type", "expected REQUEST on a task stream, but was " + message.type());
        }
        if (!message.recipient().equals(agentType)) {
            throw new InvalidMessageException(
                    "recipient",
                    "'" + message.recipient() + "' is not '" + agentType + "', the agent type of the task stream");
        }
        return message;
    }

    /** {@link #decode(byte[])}'s parse, with the content left as text until it is first read (see {@link LazyContent}). */
    private EnvelopeParser.Envelope parseTask(byte[] utf8) {
        if (utf8 == null) {
            throw new InvalidMessageException(StreamKeys.MESSAGE_FIELD, "is missing from the stream entry");
        }
        if (utf8.length > limits.maxBytes()) {
            throw new InvalidMessageException(
                    "$", "message is larger than the limit of " + limits.maxBytes() + " bytes");
        }
        try {
            return EnvelopeParser.parse(mapper, utf8);
        } catch (IOException e) {
            throw ParseErrors.unparseable(e);
        }
    }

    /** Builds a message from an already parsed object, validating every field. */
    public AgentMessage fromTree(ObjectNode root) {
        return MessageFields.toMessage(root);
    }

    private void requireWithinSize(String json) {
        // A char is at most 3 UTF-8 bytes, so only count bytes exactly when it could matter.
        if (json.length() > limits.maxBytes() / 3 && json.getBytes(StandardCharsets.UTF_8).length > limits.maxBytes()) {
            throw new InvalidMessageException(
                    "$", "message is larger than the limit of " + limits.maxBytes() + " bytes");
        }
    }
}
