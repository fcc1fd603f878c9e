package io.agentfleet.messages;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Where the fleet's Redis is, parsed from the one {@code REDIS_URL} syntax every part of the fleet accepts (worker,
 * orchestrator, client, CLI, demo, bench). The access layers of both client families build their connections from it.
 *
 * <ul>
 *   <li>{@code redis://[user:password@]host[:port][/db]}, {@code rediss://…} for TLS: one node. Its mode is
 *       {@link Mode#AUTO}: the access layer asks the node ({@code INFO cluster}) and treats it as a cluster seed when
 *       {@code cluster_enabled:1}.
 *   <li>{@code redis://[user:password@]h1:p1,h2:p2,…} (also {@code redis://h1:p1,redis://h2:p2}): seed nodes of a
 *       Redis Cluster.
 *   <li>{@code redis-sentinel://[user:password@]s1:p1[,s2:p2…][/db]#masterName} ({@code rediss-sentinel://} for TLS),
 *       Lettuce's syntax: the sentinels to ask for the primary named {@code masterName}; user and password are the
 *       data nodes' credentials.
 * </ul>
 *
 * A mode override ({@code FLEET_REDIS_MODE=standalone|cluster|sentinel}) replaces detection. Never log {@link
 * #toString()} of anything holding the password: use {@link #redacted()}.
 *
 * @param mode the deployment, or {@link Mode#AUTO} for one node whose kind is detected on connect
 * @param nodes the node (standalone), seed nodes (cluster) or sentinels (sentinel); never empty
 * @param user ACL user, or null for the default user
 * @param password password, or null
 * @param tls whether connections use TLS
 * @param database logical database (standalone and sentinel only; a cluster has only database 0)
 * @param sentinelMaster the primary's name at the sentinels, or null unless {@link Mode#SENTINEL}
 */
public record RedisTarget(
        Mode mode, List<Node> nodes, String user, String password, boolean tls, int database, String sentinelMaster) {

    public static final int DEFAULT_PORT = 6379;
    public static final int DEFAULT_SENTINEL_PORT = 26379;

    /** How the fleet talks to Redis. */
    public enum Mode {
        /** One node; detected on connect, a node with {@code cluster_enabled:1} is handled as a cluster seed. */
        AUTO,
        STANDALONE,
        CLUSTER,
        SENTINEL;

        /** Parses {@code standalone|cluster|sentinel} (any case); null or blank is null (no override). */
        public static Mode override(String value) {
            if (value == null || value.isBlank()) {
                return null;
            }
            return switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "standalone" -> STANDALONE;
                case "cluster" -> CLUSTER;
                case "sentinel" -> SENTINEL;
                default ->
                    throw new IllegalArgumentException(
                            "FLEET_REDIS_MODE must be standalone, cluster or sentinel, but was '" + value + "'");
            };
        }
    }

    /** A host and port. */
    public record Node(String host, int port) {
        public Node {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("Redis host must not be empty");
            }
            if (port < 1 || port > 65_535) {
                throw new IllegalArgumentException("Redis port must be in 1..65535, but was " + port);
            }
        }

        @Override
        public String toString() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    public RedisTarget {
        Objects.requireNonNull(mode, "mode");
        nodes = List.copyOf(nodes);
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("a Redis URL needs at least one host");
        }
        if (database < 0) {
            throw new IllegalArgumentException("Redis database must be >= 0, but was " + database);
        }
        if (mode == Mode.SENTINEL && (sentinelMaster == null || sentinelMaster.isBlank())) {
            throw new IllegalArgumentException("a redis-sentinel:// URL needs the primary's name after '#'");
        }
        if (mode == Mode.CLUSTER && database != 0) {
            throw new IllegalArgumentException("Redis Cluster has only database 0, but the URL asks for " + database);
        }
        if ((mode == Mode.AUTO || mode == Mode.STANDALONE) && nodes.size() != 1) {
            throw new IllegalArgumentException(mode + " needs exactly one host, but the URL has " + nodes.size());
        }
    }

    /** Parses {@code url} with no mode override. */
    public static RedisTarget parse(String url) {
        return parse(url, null);
    }

    /**
     * Parses {@code url}; {@code modeOverride} ({@code FLEET_REDIS_MODE}: standalone, cluster, sentinel, or null)
     * replaces detection.
     *
     * @throws IllegalArgumentException naming what is wrong (never the password)
     */
    public static RedisTarget parse(String url, String modeOverride) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("REDIS_URL must not be empty");
        }
        Mode override = Mode.override(modeOverride);
        String text = url.trim();
        int schemeEnd = text.indexOf("://");
        if (schemeEnd < 0) {
            throw new IllegalArgumentException("REDIS_URL must start with redis://, rediss:// or redis-sentinel://, but"
                    + " was '" + redact(text) + "'");
        }
        String scheme = text.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        boolean sentinel = scheme.equals("redis-sentinel") || scheme.equals("rediss-sentinel");
        boolean tls = scheme.equals("rediss") || scheme.equals("rediss-sentinel");
        if (!sentinel && !scheme.equals("redis") && !scheme.equals("rediss")) {
            throw new IllegalArgumentException("REDIS_URL scheme must be redis, rediss, redis-sentinel or"
                    + " rediss-sentinel, but was '" + scheme + "'");
        }
        // The repeated-scheme spelling of a seed list (redis://a:1,redis://b:2) is the plain one (redis://a:1,b:2).
        String rest = text.substring(schemeEnd + 3).replaceAll(",\\s*[A-Za-z-]+://", ",");
        String master = null;
        int hash = rest.indexOf('#');
        if (hash >= 0) {
            master = rest.substring(hash + 1);
            rest = rest.substring(0, hash);
        }
        int query = rest.indexOf('?');
        if (query >= 0) {
            rest = rest.substring(0, query);
        }
        int database = 0;
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            database = parseDatabase(rest.substring(slash + 1));
            rest = rest.substring(0, slash);
        }
        String user = null;
        String password = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String credentials = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = credentials.indexOf(':');
            if (colon >= 0) {
                user = emptyToNull(decode(credentials.substring(0, colon)));
                password = emptyToNull(decode(credentials.substring(colon + 1)));
            } else {
                password = emptyToNull(decode(credentials));
            }
        }
        List<Node> nodes = new ArrayList<>();
        for (String part : rest.split(",")) {
            String hostPort = part.trim();
            if (!hostPort.isEmpty()) {
                nodes.add(node(hostPort, sentinel ? DEFAULT_SENTINEL_PORT : DEFAULT_PORT));
            }
        }
        Mode mode;
        if (override != null) {
            mode = override;
        } else if (sentinel) {
            mode = Mode.SENTINEL;
        } else {
            mode = nodes.size() > 1 ? Mode.CLUSTER : Mode.AUTO;
        }
        if (mode == Mode.SENTINEL && !sentinel) {
            throw new IllegalArgumentException("FLEET_REDIS_MODE=sentinel needs a redis-sentinel:// URL");
        }
        return new RedisTarget(mode, nodes, user, password, tls, database, mode == Mode.SENTINEL ? master : null);
    }

    /** The first node: the standalone node, a cluster seed, or the first sentinel. */
    public Node firstNode() {
        return nodes.getFirst();
    }

    /** This target with its mode decided (e.g. after detection). */
    public RedisTarget withMode(Mode decided) {
        return new RedisTarget(
                decided, nodes, user, password, tls, decided == Mode.CLUSTER ? 0 : database, sentinelMaster);
    }

    /** The URL with the password replaced by {@code ***}, for logs and error messages. */
    public String redacted() {
        StringBuilder url = new StringBuilder();
        url.append(mode == Mode.SENTINEL ? (tls ? "rediss-sentinel" : "redis-sentinel") : (tls ? "rediss" : "redis"));
        url.append("://");
        if (user != null || password != null) {
            url.append(user == null ? "" : user)
                    .append(password == null ? "" : ":***")
                    .append('@');
        }
        for (int i = 0; i < nodes.size(); i++) {
            url.append(i == 0 ? "" : ",").append(nodes.get(i));
        }
        if (database != 0) {
            url.append('/').append(database);
        }
        if (sentinelMaster != null) {
            url.append('#').append(sentinelMaster);
        }
        return url.toString();
    }

    @Override
    public String toString() {
        return "RedisTarget[" + mode + " " + redacted() + "]";
    }

    /** {@code url} with any password replaced, for messages about a URL that did not parse. */
    public static String redact(String url) {
        if (url == null) {
            return null;
        }
        return url.replaceAll("([^:/@,]*:)[^@/,]*@", "$1***@");
    }

    private static Node node(String hostPort, int defaultPort) {
        String host;
        String port = null;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("REDIS_URL host '" + hostPort + "' has an unclosed '['");
            }
            host = hostPort.substring(1, close);
            if (close + 1 < hostPort.length() && hostPort.charAt(close + 1) == ':') {
                port = hostPort.substring(close + 2);
            }
        } else {
            int colon = hostPort.lastIndexOf(':');
            host = colon >= 0 ? hostPort.substring(0, colon) : hostPort;
            port = colon >= 0 ? hostPort.substring(colon + 1) : null;
        }
        if (port == null || port.isEmpty()) {
            return new Node(host, defaultPort);
        }
        try {
            return new Node(host, Integer.parseInt(port));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("REDIS_URL port must be a number, but was '" + port + "'");
        }
    }

    private static int parseDatabase(String text) {
        if (text.isEmpty()) {
            return 0;
        }
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("REDIS_URL database must be a number, but was '" + text + "'");
        }
    }

    private static String decode(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String emptyToNull(String text) {
        return text == null || text.isEmpty() ? null : text;
    }
}
