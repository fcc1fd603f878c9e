package io.agentfleet.messages;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The top-level fields of a task as {@link EnvelopeParser} reads them: the known fields in a fixed array, so the usual
 * task allocates no hash-map entries; fields this version does not know in an ordered map, made only when there is one.
 * A repeated field keeps its last value (and an unknown one its first position), as an object node's map does. Values
 * are never null. Iterates the known fields first, then the unknown ones in their order: readers look known fields up
 * by name and only the unknown ones' order is kept (as extensions).
 */
final class EnvelopeFields extends AbstractMap<String, JsonNode> {
    private static final String[] KNOWN = MessageFields.KNOWN_FIELDS.toArray(String[]::new);
    /** Never changed after class initialisation (a HashMap, whose get accepts any key). */
    private static final Map<String, Integer> INDEX = index();

    private final JsonNode[] known = new JsonNode[KNOWN.length];
    private Map<String, JsonNode> unknown;

    /** The known names as ASCII bytes, indexed as {@link #known}. */
    private static final byte[][] KNOWN_BYTES = knownBytes();

    /** The index of {@code content}. */
    static final int CONTENT = INDEX.get("content");

    /** The index of the known field named by {@code bytes[from, to)} (ASCII), or -1 when it names none. */
    static int indexOf(byte[] bytes, int from, int to) {
        int length = to - from;
        for (int k = 0; k < KNOWN_BYTES.length; k++) {
            if (KNOWN_BYTES[k].length == length && Arrays.equals(KNOWN_BYTES[k], 0, length, bytes, from, to)) {
                return k;
            }
        }
        return -1;
    }

    /** Sets known field {@code index}; false (and nothing set) when it is set already. */
    boolean setOnce(int index, JsonNode value) {
        if (known[index] != null) {
            return false;
        }
        known[index] = value;
        return true;
    }

    @Override
    public JsonNode put(String name, JsonNode value) {
        Integer i = INDEX.get(name);
        if (i != null) {
            JsonNode previous = known[i];
            known[i] = value;
            return previous;
        }
        if (unknown == null) {
            unknown = new LinkedHashMap<>();
        }
        return unknown.put(name, value);
    }

    @Override
    public JsonNode get(Object name) {
        // Readers pass the same string constants KNOWN holds: found by identity without hashing.
        for (int k = 0; k < KNOWN.length; k++) {
            if (KNOWN[k] == name) {
                return known[k];
            }
        }
        Integer i = INDEX.get(name);
        if (i != null) {
            return known[i];
        }
        return unknown == null ? null : unknown.get(name);
    }

    @Override
    public boolean containsKey(Object name) {
        return get(name) != null;
    }

    @Override
    public Set<Entry<String, JsonNode>> entrySet() {
        List<Entry<String, JsonNode>> entries = new ArrayList<>();
        for (int i = 0; i < known.length; i++) {
            if (known[i] != null) {
                entries.add(new SimpleImmutableEntry<>(KNOWN[i], known[i]));
            }
        }
        if (unknown != null) {
            entries.addAll(unknown.entrySet());
        }
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, JsonNode>> iterator() {
                return Collections.unmodifiableList(entries).iterator();
            }

            @Override
            public int size() {
                return entries.size();
            }
        };
    }

    private static byte[][] knownBytes() {
        byte[][] names = new byte[KNOWN.length][];
        for (int i = 0; i < KNOWN.length; i++) {
            names[i] = KNOWN[i].getBytes(StandardCharsets.US_ASCII);
        }
        return names;
    }

    private static Map<String, Integer> index() {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < KNOWN.length; i++) {
            index.put(KNOWN[i], i);
        }
        return index;
    }
}
