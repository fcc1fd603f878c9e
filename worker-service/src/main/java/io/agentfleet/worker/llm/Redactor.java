package io.agentfleet.worker.llm;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes secrets from text that may end up in a failure, a dead letter or a log line: the configured API key
 * wherever it appears (a gateway may echo request headers in its error body), and anything shaped like a bearer
 * token or a well-known provider key.
 */
final class Redactor {
    static final String MASK = "[REDACTED]";

    private static final Pattern KEY_SHAPES = Pattern.compile(
            "(?i)(bearer\\s+)[A-Za-z0-9._~+/=-]{8,}|\\b(sk-[A-Za-z0-9_-]{8,}|sk-ant-[A-Za-z0-9_-]{8,})");

    private Redactor() {}

    static String redact(String text, ApiKey key) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String result = text;
        String secret = key.value().orElse("");
        // Very short values would mask innocent text; such "keys" are no secret worth the noise.
        if (secret.length() >= 4) {
            result = result.replace(secret, MASK);
        }
        return KEY_SHAPES
                .matcher(result)
                .replaceAll(m -> Matcher.quoteReplacement(m.group(1) != null ? m.group(1) + MASK : MASK));
    }
}
