package io.agentfleet.testsupport;

import java.net.URI;

/** A Redis the fixture does not own (from {@code REDIS_URL}): usable, but not for fault injection. */
final class ExternalRedis extends UncontrollableRedis {

    private static final int DEFAULT_PORT = 6379;

    private final String uri;
    private final URI parsed;

    ExternalRedis(String uri) {
        this.uri = uri;
        this.parsed = URI.create(uri);
        if (parsed.getHost() == null) {
            throw new IllegalStateException("REDIS_URL must look like redis://host:port, but was " + redacted());
        }
    }

    /** Fails fast, naming the URL, when the external Redis does not answer. */
    ExternalRedis verifyReachable() {
        if (!isRunning()) {
            throw new IllegalStateException("REDIS_URL=" + redacted()
                    + " does not answer PING; unset REDIS_URL to let the" + " fixture start its own Redis");
        }
        return this;
    }

    @Override
    public String uri() {
        return uri;
    }

    @Override
    public String host() {
        return parsed.getHost();
    }

    @Override
    public int port() {
        return parsed.getPort() == -1 ? DEFAULT_PORT : parsed.getPort();
    }

    @Override
    public String describe() {
        return "external Redis from REDIS_URL=" + redacted();
    }

    @Override
    public void close() {
        // Not ours to stop.
    }

    @Override
    UnsupportedOperationException refused(String operation) {
        return new UnsupportedOperationException("Cannot " + operation + " Redis: fault injection needs a fixture-owned"
                + " Redis, but this fixture uses the external REDIS_URL=" + redacted()
                + ". Register RedisExtension.owned() (or withAof()) in tests that stop, kill, restart or pause Redis.");
    }

    private String redacted() {
        return parsed.getUserInfo() == null ? uri : uri.replace(parsed.getRawUserInfo() + "@", "***@");
    }
}
