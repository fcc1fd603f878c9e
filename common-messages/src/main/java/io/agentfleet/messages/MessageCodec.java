package io.agentfleet.messages;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
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
    private static final Set<String> KNOWN_FIELDS = Set.of(
            "schemaVersion",
            "messageId",
            "type",
            "taskId",
            "runId",
            "parentMessageId",
            "sender",
            "recipient",
            "attempt",
            "maxAttempts",
            "deadline",
            "replyTo",
            "content",
            "metadata",
            "trace",
            "createdAt",
            "tenant");

    /**
     * The largest magnitude of a 64-bit integer field on the wire (JavaScript's {@code Number.MAX_SAFE_INTEGER}), so
     * that every producer, a JavaScript one included, reads and writes it exactly; epoch milliseconds reach the year
     * 287396.
     */
    public static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

    private final MessageLimits limits;
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
            write(gen, message);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode message " + message.messageId(), e);
        }
        return out.toString();
    }

    /** Encodes a message as UTF-8 bytes, exactly {@code encode(message)}'s text, without building that string. */
    public byte[] encodeUtf8(AgentMessage message) {
        try (ByteArrayBuilder out = new ByteArrayBuilder(256 + message.content().size() * 32);
                JsonGenerator gen = mapper.createGenerator(out, JsonEncoding.UTF8)) {
            write(gen, message);
            gen.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode message " + message.messageId(), e);
        }
    }

    private void write(JsonGenerator gen, AgentMessage message) throws IOException {
        gen.writeStartObject();
        gen.writeNumberField("schemaVersion", message.schemaVersion());
        gen.writeStringField("messageId", message.messageId());
        gen.writeStringField("type", message.type().name());
        gen.writeStringField("taskId", message.taskId());
        writeOptional(gen, "runId", message.runId());
        writeOptional(gen, "parentMessageId", message.parentMessageId());
        writeOptional(gen, "sender", message.sender());
        gen.writeStringField("recipient", message.recipient());
        gen.writeNumberField("attempt", message.attempt());
        gen.writeNumberField("maxAttempts", message.maxAttempts());
        if (message.deadline() != null) {
            gen.writeNumberField("deadline", message.deadline());
        }
        writeOptional(gen, "replyTo", message.replyTo());
        gen.writeFieldName("content");
        writeContent(gen, message.content());
        writeMetadata(gen, message.metadata());
        if (message.trace() != null) {
            gen.writeObjectFieldStart("trace");
            gen.writeStringField("traceparent", message.trace().traceparent());
            writeOptional(gen, "tracestate", message.trace().tracestate());
            gen.writeEndObject();
        }
        gen.writeNumberField("createdAt", message.createdAt());
        writeOptional(gen, "tenant", message.tenant());
        for (Map.Entry<String, JsonNode> extra : message.extensions().entrySet()) {
            gen.writeFieldName(extra.getKey());
            mapper.writeTree(gen, extra.getValue());
        }
        gen.writeEndObject();
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
            throw unparseable(e);
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
        requireWithinParserLimits(() -> mapper.createParser(json));
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
        requireWithinParserLimits(() -> mapper.createParser(utf8));
    }

    private interface ParserSource {
        JsonParser open() throws IOException;
    }

    /** Streams over the tokens without building anything: tokenizing applies the depth and length limits. */
    private static void requireWithinParserLimits(ParserSource source) {
        try (JsonParser parser = source.open()) {
            while (parser.nextToken() != null) {
                // Only the limits matter here.
            }
        } catch (StreamConstraintsException e) {
            throw new InvalidMessageException("$", "exceeds limits: " + firstLine(e.getOriginalMessage()));
        } catch (JsonProcessingException e) {
            throw new InvalidMessageException(
                    "$", "malformed JSON: " + firstLine(e.getOriginalMessage()) + locationOf(e));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Below the parser's default name-length limit, no single field name can break it. */
    private static final int FAST_CHECK_MAX_CHARS = MessageLimits.MAX_NAME_CHARS;

    /** {@code length} in chars or bytes: a text of n chars has at least n bytes, so either bound is safe. */
    private static boolean roundTripsExactly(AgentMessage message, int length) {
        if (length >= FAST_CHECK_MAX_CHARS) {
            return false;
        }
        for (String name : message.extensions().keySet()) {
            if (KNOWN_FIELDS.contains(name)) {
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
            throw unparseable(e);
        }
        return requireObject(root);
    }

    private static ObjectNode requireObject(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new InvalidMessageException("$", "must be a JSON object");
        }
        return (ObjectNode) root;
    }

    private static RuntimeException unparseable(IOException e) {
        if (e instanceof StreamConstraintsException limit) {
            return new InvalidMessageException("$", "exceeds limits: " + firstLine(limit.getOriginalMessage()));
        }
        if (e instanceof JsonProcessingException malformed) {
            return new InvalidMessageException(
                    "$", "malformed JSON: " + firstLine(malformed.getOriginalMessage()) + locationOf(malformed));
        }
        return new UncheckedIOException(e);
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
        AgentMessage message = decode(utf8);
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

    /** Builds a message from an already parsed object, validating every field. */
    public AgentMessage fromTree(ObjectNode root) {
        int schemaVersion = requiredInt(root, "schemaVersion");
        if (schemaVersion != AgentMessage.SCHEMA_VERSION) {
            throw new InvalidMessageException(
                    "schemaVersion",
                    "unsupported version " + schemaVersion + ", this reader knows " + AgentMessage.SCHEMA_VERSION);
        }
        return new AgentMessage(
                schemaVersion,
                requiredText(root, "messageId"),
                messageType(root),
                requiredText(root, "taskId"),
                optionalText(root, "runId"),
                optionalText(root, "parentMessageId"),
                optionalText(root, "sender"),
                requiredText(root, "recipient"),
                root.has("attempt") ? requiredInt(root, "attempt") : 1,
                root.has("maxAttempts") ? requiredInt(root, "maxAttempts") : 0,
                optionalLong(root, "deadline"),
                optionalText(root, "replyTo"),
                content(root),
                metadata(root.get("metadata")),
                trace(root.get("trace")),
                requiredLong(root, "createdAt"),
                optionalText(root, "tenant"),
                extensions(root));
    }

    private void requireWithinSize(String json) {
        // A char is at most 3 UTF-8 bytes, so only count bytes exactly when it could matter.
        if (json.length() > limits.maxBytes() / 3 && json.getBytes(StandardCharsets.UTF_8).length > limits.maxBytes()) {
            throw new InvalidMessageException(
                    "$", "message is larger than the limit of " + limits.maxBytes() + " bytes");
        }
    }

    private static MessageType messageType(ObjectNode root) {
        String value = requiredText(root, "type");
        try {
            return MessageType.valueOf(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidMessageException(
                    "type",
                    "'" + Names.abbreviate(value)
                            + "' is not one of REQUEST, RESULT, ERROR, UPDATE, CLARIFICATION_NEEDED");
        }
    }

    private static ObjectNode content(ObjectNode root) {
        JsonNode content = root.get("content");
        if (content == null || content.isNull()) {
            throw new InvalidMessageException("content", "is required and must be a JSON object");
        }
        if (!content.isObject()) {
            throw new InvalidMessageException("content", "must be a JSON object, but was " + content.getNodeType());
        }
        return (ObjectNode) content;
    }

    private static Metadata metadata(JsonNode node) {
        if (node == null || node.isNull()) {
            return Metadata.EMPTY;
        }
        if (!node.isObject()) {
            throw new InvalidMessageException("metadata", "must be a JSON object");
        }
        ObjectNode m = (ObjectNode) node;
        return new Metadata(
                optionalLong(m, "tokensIn", "metadata."),
                optionalLong(m, "tokensOut", "metadata."),
                optionalDouble(m, "cost"),
                optionalText(m, "model", "metadata."),
                optionalLong(m, "latencyMs", "metadata."),
                optionalDouble(m, "confidence"));
    }

    private static TraceContext trace(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new InvalidMessageException("trace", "must be a JSON object");
        }
        ObjectNode t = (ObjectNode) node;
        return new TraceContext(optionalText(t, "traceparent", "trace."), optionalText(t, "tracestate", "trace."));
    }

    private static Map<String, JsonNode> extensions(ObjectNode root) {
        Map<String, JsonNode> extra = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!KNOWN_FIELDS.contains(field.getKey())) {
                if (extra == null) {
                    extra = new LinkedHashMap<>();
                }
                extra.put(field.getKey(), field.getValue());
            }
        }
        return extra;
    }

    private static String requiredText(ObjectNode node, String field) {
        String value = optionalText(node, field, "");
        if (value == null) {
            throw new InvalidMessageException(field, "is required");
        }
        return value;
    }

    private static String optionalText(ObjectNode node, String field) {
        return optionalText(node, field, "");
    }

    private static String optionalText(ObjectNode node, String field, String path) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidMessageException(path + field, "must be a string, but was " + value.getNodeType());
        }
        return value.asText();
    }

    private static int requiredInt(ObjectNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new InvalidMessageException(field, "is required");
        }
        Long integral = integralValue(value);
        if (integral == null || integral != integral.intValue()) {
            throw new InvalidMessageException(
                    field, "must be an integer from -2^31 to 2^31-1, but was " + Names.abbreviate(value.toString()));
        }
        return integral.intValue();
    }

    /**
     * The value of an integer field: an integer literal, or (as JSON Schema counts it) a number with a zero fraction
     * such as {@code 1.0}, within the signed 64-bit range; null for anything else.
     */
    private static Long integralValue(JsonNode value) {
        if (value.isIntegralNumber()) {
            return value.canConvertToLong() ? value.longValue() : null;
        }
        if (value.isBigDecimal()) {
            try {
                return value.decimalValue().longValueExact();
            } catch (ArithmeticException e) {
                return null;
            }
        }
        if (value.isFloatingPointNumber()) {
            double d = value.doubleValue();
            return d == Math.rint(d) && d >= -0x1p63 && d < 0x1p63 ? (long) d : null;
        }
        return null;
    }

    private static long requiredLong(ObjectNode node, String field) {
        Long value = optionalLong(node, field, "");
        if (value == null) {
            throw new InvalidMessageException(field, "is required");
        }
        return value;
    }

    private static Long optionalLong(ObjectNode node, String field) {
        return optionalLong(node, field, "");
    }

    private static Long optionalLong(ObjectNode node, String field, String path) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        Long integral = integralValue(value);
        if (integral == null || Math.abs(integral) > MAX_SAFE_INTEGER) {
            throw new InvalidMessageException(
                    path + field,
                    "must be an integer from -(2^53-1) to 2^53-1, but was " + Names.abbreviate(value.toString()));
        }
        return integral;
    }

    private static Double optionalDouble(ObjectNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber()) {
            throw new InvalidMessageException("metadata." + field, "must be a number, but was " + value.getNodeType());
        }
        double number = value.doubleValue();
        if (!Double.isFinite(number)) {
            throw new InvalidMessageException(
                    "metadata." + field,
                    "must be a finite number (at most 1.7976931348623157e308 in magnitude), but was "
                            + Names.abbreviate(value.toString()));
        }
        return number;
    }

    /**
     * Writes a content tree as {@code mapper.writeTree} would, walking plain objects, arrays, strings, booleans and
     * int/long numbers directly (the usual content) and handing any other node to the mapper. This skips creating a serializer
     * provider and looking up a serializer per message. Only with the mapper's default node output (empty arrays and
     * null properties written); otherwise everything goes through the mapper.
     */
    private void writeContent(JsonGenerator gen, ObjectNode content) throws IOException {
        SerializationConfig config = mapper.getSerializationConfig();
        if (config.isEnabled(SerializationFeature.WRITE_EMPTY_JSON_ARRAYS)
                && config.isEnabled(JsonNodeFeature.WRITE_NULL_PROPERTIES)) {
            writeNode(gen, content);
        } else {
            mapper.writeTree(gen, content);
        }
    }

    private void writeNode(JsonGenerator gen, JsonNode node) throws IOException {
        switch (node) {
            case ObjectNode object
            when object.getClass() == ObjectNode.class -> {
                gen.writeStartObject(object);
                for (Map.Entry<String, JsonNode> field : object.properties()) {
                    gen.writeFieldName(field.getKey());
                    writeNode(gen, field.getValue());
                }
                gen.writeEndObject();
            }
            case ArrayNode array
            when array.getClass() == ArrayNode.class -> {
                gen.writeStartArray(array, array.size());
                for (JsonNode element : array) {
                    writeNode(gen, element);
                }
                gen.writeEndArray();
            }
            case TextNode text
            when text.getClass() == TextNode.class && text.textValue() != null -> gen.writeString(text.textValue());
            case BooleanNode bool when bool.getClass() == BooleanNode.class -> gen.writeBoolean(bool.booleanValue());
            case IntNode number when number.getClass() == IntNode.class -> gen.writeNumber(number.intValue());
            case LongNode number when number.getClass() == LongNode.class -> gen.writeNumber(number.longValue());
            default -> mapper.writeTree(gen, node);
        }
    }

    private static void writeOptional(JsonGenerator gen, String field, String value) throws IOException {
        if (value != null) {
            gen.writeStringField(field, value);
        }
    }

    private static void writeMetadata(JsonGenerator gen, Metadata m) throws IOException {
        if (m.equals(Metadata.EMPTY)) {
            return;
        }
        gen.writeObjectFieldStart("metadata");
        if (m.tokensIn() != null) gen.writeNumberField("tokensIn", m.tokensIn());
        if (m.tokensOut() != null) gen.writeNumberField("tokensOut", m.tokensOut());
        if (m.cost() != null) gen.writeNumberField("cost", m.cost());
        writeOptional(gen, "model", m.model());
        if (m.latencyMs() != null) gen.writeNumberField("latencyMs", m.latencyMs());
        if (m.confidence() != null) gen.writeNumberField("confidence", m.confidence());
        gen.writeEndObject();
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "unreadable input";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    private static String locationOf(JsonProcessingException e) {
        return e.getLocation() == null
                ? ""
                : " (line " + e.getLocation().getLineNr() + ", column "
                        + e.getLocation().getColumnNr() + ")";
    }
}
