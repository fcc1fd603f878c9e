package io.agentfleet.tools.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Loads YAML with SnakeYAML's safe constructor (plain maps, lists and scalars; merge keys resolved) and walks the
 * resulting trees. Absent paths read as empty maps/lists or null, so a test states what it expects once.
 */
final class Yamls {
    private Yamls() {}

    /** Every non-empty document of a multi-document text. */
    static List<Map<String, Object>> loadAll(String text, String source) {
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Object document : yaml().loadAll(text)) {
            if (document == null) {
                continue;
            }
            if (!(document instanceof Map<?, ?>)) {
                throw new IllegalStateException(source + ": a document is not a mapping but " + document);
            }
            documents.add(cast(document));
        }
        return documents;
    }

    static List<Map<String, Object>> loadAll(Path file) {
        return loadAll(read(file), file.toString());
    }

    static Map<String, Object> load(Path file) {
        List<Map<String, Object>> documents = loadAll(file);
        if (documents.size() != 1) {
            throw new IllegalStateException(file + " should hold one YAML document, but holds " + documents.size());
        }
        return documents.getFirst();
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
    }

    /** The mapping at {@code path} under {@code node}, or an empty map. */
    static Map<String, Object> map(Object node, String... path) {
        Object value = at(node, path);
        return value instanceof Map<?, ?> m ? cast(m) : Map.of();
    }

    /** The sequence at {@code path} under {@code node}, or an empty list. */
    static List<Object> list(Object node, String... path) {
        Object value = at(node, path);
        return value instanceof List<?> l ? cast(l) : List.of();
    }

    /** The scalar at {@code path} as text, or null. */
    static String string(Object node, String... path) {
        Object value = at(node, path);
        return value == null || value instanceof Map<?, ?> || value instanceof List<?> ? null : String.valueOf(value);
    }

    /** The sequence at {@code path} restricted to its mappings. */
    static List<Map<String, Object>> maps(Object node, String... path) {
        List<Map<String, Object>> maps = new ArrayList<>();
        for (Object item : list(node, path)) {
            if (item instanceof Map<?, ?> m) {
                maps.add(cast(m));
            }
        }
        return maps;
    }

    static Object at(Object node, String... path) {
        Object current = node;
        for (String key : path) {
            if (!(current instanceof Map<?, ?> m)) {
                return null;
            }
            current = m.get(key);
        }
        return current;
    }

    private static Yaml yaml() {
        return new Yaml(new SafeConstructor(new LoaderOptions()));
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object value) {
        return (T) value;
    }
}
