package io.agentfleet.tools.bench;

import java.util.HashMap;
import java.util.Map;

/** The key=value figures a producer printed on its RESULT line, plus any the harness measured itself. */
record Figures(Map<String, Double> values) {
    static Figures parse(String log) {
        Map<String, Double> values = new HashMap<>();
        for (String line : log.split("\n")) {
            if (line.startsWith("RESULT ")) {
                for (String pair : line.substring(7).trim().split("\\s+")) {
                    String[] kv = pair.split("=", 2);
                    values.put(kv[0], Double.parseDouble(kv[1]));
                }
            }
        }
        if (values.isEmpty()) {
            throw new IllegalStateException("producer printed no RESULT line; its log:\n" + log);
        }
        return new Figures(values);
    }

    Figures with(String key, double value) {
        Map<String, Double> copy = new HashMap<>(values);
        copy.put(key, value);
        return new Figures(copy);
    }
}
