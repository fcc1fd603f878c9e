package io.agentfleet.testsupport;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.JedisClientConfig;

/**
 * How a fixture's Redis processes are reached: TLS (only a TLS port then, no plain one) and/or an
 * ACL user with a password (also set as {@code requirepass}, {@code masteruser}/{@code masterauth}).
 * {@link #none()} is today's plain, password-less loopback Redis.
 *
 * @param tls certificates, or null for plain TCP
 * @param user the ACL user, or null
 * @param password the user's password (and the default user's), or null
 */
public record RedisSecurity(TlsFiles tls, String user, String password) {

    private static final RedisSecurity NONE = new RedisSecurity(null, null, null);

    public RedisSecurity {
        if ((user == null) != (password == null)) {
            throw new IllegalArgumentException("user and password come together");
        }
        // They go into server arguments and an inline AUTH: keep them to one word each.
        if ((user != null && !user.matches("\\S+")) || (password != null && !password.matches("\\S+"))) {
            throw new IllegalArgumentException("user and password must be non-empty and without whitespace");
        }
    }

    public static RedisSecurity none() {
        return NONE;
    }

    public RedisSecurity withTls(TlsFiles tls) {
        return new RedisSecurity(tls, user, password);
    }

    public RedisSecurity withUser(String user, String password) {
        return new RedisSecurity(tls, user, password);
    }

    public boolean isTls() {
        return tls != null;
    }

    public boolean hasUser() {
        return user != null;
    }

    /** Without the user: what the sentinels run with (TLS, no auth). */
    RedisSecurity withoutUser() {
        return new RedisSecurity(tls, null, null);
    }

    /**
     * {@code redis://} or {@code rediss://} ({@code redis-sentinel://} or {@code rediss-sentinel://} for
     * {@code suffix} "-sentinel"), with {@code user:password@} when there is a user.
     */
    String uriPrefix(String suffix) {
        return "redis" + (isTls() ? "s" : "") + suffix + "://" + userInfo();
    }

    String userInfo() {
        return hasUser() ? encode(user) + ":" + encode(password) + "@" : "";
    }

    /**
     * Command-line options: the port (only a TLS port with TLS), TLS files, and the ACL user (also
     * the default user's password, and what a replica authenticates with).
     */
    List<String> serverArgs(int port) {
        List<String> args = new ArrayList<>();
        if (isTls()) {
            args.addAll(List.of("--port", "0", "--tls-port", Integer.toString(port)));
            args.addAll(List.of(
                    "--tls-cert-file", tls.serverCert().toString(),
                    "--tls-key-file", tls.serverKey().toString(),
                    "--tls-ca-cert-file", tls.caCert().toString(),
                    "--tls-auth-clients", "no",
                    "--tls-replication", "yes"));
        } else {
            args.addAll(List.of("--port", Integer.toString(port)));
        }
        if (hasUser()) {
            args.addAll(List.of("--user", user, "on", ">" + password, "~*", "&*", "+@all"));
            args.addAll(List.of("--requirepass", password, "--masteruser", user, "--masterauth", password));
        }
        return args;
    }

    /** A Jedis configuration that reaches such a Redis: trusting only the test CA, authenticated as the user. */
    public JedisClientConfig jedisConfig(Duration timeout) {
        int millis = Math.toIntExact(timeout.toMillis());
        DefaultJedisClientConfig.Builder builder = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(millis)
                .socketTimeoutMillis(millis);
        if (isTls()) {
            builder.ssl(true).sslSocketFactory(tls.socketFactory());
        }
        if (hasUser()) {
            builder.user(user).password(password);
        }
        return builder.build();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
