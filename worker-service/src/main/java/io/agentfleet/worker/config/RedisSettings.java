package io.agentfleet.worker.config;

import java.net.URI;
import java.util.Objects;

/**
 * Where Redis is.
 *
 * @param url {@code redis://[user:password@]host:port[/db]} or {@code rediss://} for TLS; may hold a password, so
 *     never log it: use {@link #redacted()}
 */
public record RedisSettings(String url) {
    public static final String DEFAULT_URL = "redis://127.0.0.1:6379";

    public RedisSettings {
        Objects.requireNonNull(url, "url");
    }

    /** The URL with any password replaced by {@code ***}, safe for logs and error messages. */
    public String redacted() {
        return redact(url);
    }

    @Override
    public String toString() {
        return "RedisSettings[" + redacted() + "]";
    }

    public static String redact(String url) {
        try {
            URI uri = URI.create(url.trim());
            String userInfo = uri.getRawUserInfo();
            if (userInfo == null) {
                return url;
            }
            int colon = userInfo.indexOf(':');
            String shown = colon < 0 ? "***" : userInfo.substring(0, colon) + ":***";
            return url.replace(userInfo + "@", shown + "@");
        } catch (IllegalArgumentException e) {
            return "<unparseable redis url>";
        }
    }
}
