package io.agentfleet.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The fields of a decoded task's {@code content}, built from its JSON text when first touched: a handler that never
 * reads the content (or reads it late) costs no tree. The text was already tokenized under the codec's limits when the
 * message was decoded, so building the tree here cannot fail on input that decoding accepted.
 */
final class LazyContent implements Map<String, JsonNode> {
    private final ObjectMapper mapper;
    private final byte[] utf8;
    private final int offset;
    private final int length;
    private volatile Map<String, JsonNode> fields;

    private LazyContent(ObjectMapper mapper, byte[] utf8, int offset, int length) {
        this.mapper = mapper;
        this.utf8 = utf8;
        this.offset = offset;
        this.length = length;
    }

    /** An object node whose fields are parsed from {@code utf8[offset, offset + length)} on first use. */
    static ObjectNode node(ObjectMapper mapper, byte[] utf8, int offset, int length) {
        return new ObjectNode(JsonNodeFactory.instance, new LazyContent(mapper, utf8, offset, length));
    }

    private Map<String, JsonNode> fields() {
        Map<String, JsonNode> parsed = fields;
        if (parsed == null) {
            synchronized (this) {
                parsed = fields;
                if (parsed == null) {
                    parsed = parse();
                    fields = parsed;
                }
            }
        }
        return parsed;
    }

    private Map<String, JsonNode> parse() {
        try {
            JsonNode tree = mapper.readTree(utf8, offset, length);
            Map<String, JsonNode> copy = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> field : tree.properties()) {
                copy.put(field.getKey(), field.getValue());
            }
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException("content accepted at decoding could not be read again", e);
        }
    }

    @Override
    public int size() {
        return fields().size();
    }

    @Override
    public boolean isEmpty() {
        return fields().isEmpty();
    }

    @Override
    public boolean containsKey(Object key) {
        return fields().containsKey(key);
    }

    @Override
    public boolean containsValue(Object value) {
        return fields().containsValue(value);
    }

    @Override
    public JsonNode get(Object key) {
        return fields().get(key);
    }

    @Override
    public JsonNode getOrDefault(Object key, JsonNode defaultValue) {
        return fields().getOrDefault(key, defaultValue);
    }

    @Override
    public JsonNode put(String key, JsonNode value) {
        return fields().put(key, value);
    }

    @Override
    public JsonNode remove(Object key) {
        return fields().remove(key);
    }

    @Override
    public void putAll(Map<? extends String, ? extends JsonNode> m) {
        fields().putAll(m);
    }

    @Override
    public void clear() {
        fields().clear();
    }

    @Override
    public Set<String> keySet() {
        return fields().keySet();
    }

    @Override
    public Collection<JsonNode> values() {
        return fields().values();
    }

    @Override
    public Set<Entry<String, JsonNode>> entrySet() {
        return fields().entrySet();
    }

    @Override
    public void forEach(BiConsumer<? super String, ? super JsonNode> action) {
        fields().forEach(action);
    }

    @Override
    public boolean equals(Object o) {
        return o == this || fields().equals(o);
    }

    @Override
    public int hashCode() {
        return fields().hashCode();
    }

    @Override
    public String toString() {
        return fields().toString();
    }
}
