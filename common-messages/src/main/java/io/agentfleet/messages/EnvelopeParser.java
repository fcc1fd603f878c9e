package io.agentfleet.messages;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;

/**
 * Parses a task's top level into an object node as {@code mapper.readTree} would (same parser, limits and errors; a
 * repeated field keeps its first position and its last value), except that an object {@code content} is only
 * tokenized, which applies every limit, and becomes a {@link LazyContent} node built on first use. It also says
 * whether the top level had a field this version does not know, so a message without one skips the extensions scan.
 * The top level's fields are held by {@link EnvelopeFields}.
 */
final class EnvelopeParser {
    private static final String CONTENT = "content";

    private EnvelopeParser() {}

    /**
     * A parsed top level.
     *
     * @param tree an object whose content is lazy, or, for any other JSON value, that value's tree
     * @param unknownFields whether the object had a field that is not one of {@link MessageFields#KNOWN_FIELDS}
     */
    record Envelope(JsonNode tree, boolean unknownFields) {}

    static Envelope parse(ObjectMapper mapper, byte[] utf8) throws IOException {
        Envelope plain = PlainTaskScanner.scan(mapper, utf8);
        return plain != null ? plain : parseWithJackson(mapper, utf8);
    }

    /** {@link #parse} without the {@link PlainTaskScanner} shortcut. */
    static Envelope parseWithJackson(ObjectMapper mapper, byte[] utf8) throws IOException {
        try (JsonParser parser = mapper.createParser(utf8)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                // Not an object: the caller rejects it, after the whole value was read as readTree reads it.
                return new Envelope(mapper.readTree(utf8), false);
            }
            boolean unknownFields = false;
            ObjectNode root = new ObjectNode(mapper.getNodeFactory(), new EnvelopeFields());
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken token = parser.nextToken();
                JsonNode value;
                if (name.equals(CONTENT) && token == JsonToken.START_OBJECT) {
                    value = lazyContent(mapper, parser, utf8);
                } else if (MessageFields.KNOWN_FIELDS.contains(name)) {
                    value = knownValue(mapper, parser, token);
                } else {
                    unknownFields = true;
                    value = mapper.readTree(parser);
                }
                root.replace(name, value);
            }
            return new Envelope(root, unknownFields);
        }
    }

    private static JsonNode lazyContent(ObjectMapper mapper, JsonParser parser, byte[] utf8) throws IOException {
        long start = parser.currentTokenLocation().getByteOffset();
        parser.skipChildren();
        long end = parser.currentLocation().getByteOffset();
        return LazyContent.node(mapper, utf8, (int) start, (int) (end - start));
    }

    /** Scalars of known fields are built directly; anything else by the mapper. */
    private static JsonNode knownValue(ObjectMapper mapper, JsonParser parser, JsonToken token) throws IOException {
        return switch (token) {
            case VALUE_STRING -> TextNode.valueOf(parser.getText());
            case VALUE_TRUE -> BooleanNode.TRUE;
            case VALUE_FALSE -> BooleanNode.FALSE;
            case VALUE_NULL -> NullNode.instance;
            case VALUE_NUMBER_INT ->
                switch (parser.getNumberType()) {
                    case INT -> IntNode.valueOf(parser.getIntValue());
                    case LONG -> LongNode.valueOf(parser.getLongValue());
                    default -> mapper.readTree(parser);
                };
            default -> mapper.readTree(parser);
        };
    }
}
