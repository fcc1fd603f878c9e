package io.agentfleet.tools.deploy;

import io.agentfleet.testsupport.Await;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisProtocol;

/**
 * A throw-away {@code redis-server} (no persistence, loopback only) that loads a copy of deploy/users.acl, so that
 * every client must log in as one of the project's ACL users. test-support's RedisProcess cannot pass an ACL file,
 * hence this small fixture. Needs Redis 7.0+ on PATH: the ACL file uses selectors.
 *
 * <p>{@link #startClusterNode(Path)} starts it in cluster mode as a one-node cluster that owns all 16384 slots: the
 * topology commands cluster clients send ({@code CLUSTER SLOTS}, {@code CLUSTER NODES}, {@code INFO}) then answer
 * as on a real cluster, and every key is local, so the same commands can be checked against the ACL in both modes.
 */
final class AclRedis implements AutoCloseable {
    static final String HOST = "127.0.0.1";
    private static final int MIN_MAJOR_VERSION = 7;
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(15);
    private static final int PORT_ATTEMPTS = 3;

    private static final int CLUSTER_SLOTS = 16384;

    private final Path workDir;
    private final int port;
    private final Process process;
    private final boolean cluster;

    private AclRedis(Path workDir, int port, Process process, boolean cluster) {
        this.workDir = workDir;
        this.port = port;
        this.process = process;
        this.cluster = cluster;
    }

    /** Starts redis-server with a copy of {@code aclFile} and returns once the {@code admin} user can PING it. */
    static AclRedis start(Path aclFile) {
        return start(aclFile, false);
    }

    /** Like {@link #start(Path)}, in cluster mode, as a one-node cluster owning every slot ({@code cluster_state:ok}). */
    static AclRedis startClusterNode(Path aclFile) {
        AclRedis redis = start(aclFile, true);
        try (Jedis admin = redis.as("admin")) {
            admin.clusterAddSlotsRange(0, CLUSTER_SLOTS - 1);
            Await.until(
                    STARTUP_TIMEOUT,
                    () -> admin.clusterInfo().contains("cluster_state:ok"),
                    "one-node cluster on port " + redis.port + " to reach cluster_state:ok");
        } catch (RuntimeException | AssertionError e) {
            redis.close();
            throw e;
        }
        return redis;
    }

    private static AclRedis start(Path aclFile, boolean cluster) {
        Path binary = binary();
        Path workDir = createWorkDir();
        try {
            Path acl = Files.copy(aclFile, workDir.resolve("users.acl"));
            IllegalStateException last = null;
            for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
                try {
                    return launch(binary, workDir, acl, freePort(), cluster);
                } catch (IllegalStateException e) {
                    last = e;
                    if (!e.getMessage().contains("Address already in use")) {
                        break;
                    }
                }
            }
            throw last;
        } catch (IOException e) {
            deleteTree(workDir);
            throw new UncheckedIOException("could not copy " + aclFile, e);
        } catch (RuntimeException e) {
            deleteTree(workDir);
            throw e;
        }
    }

    int port() {
        return port;
    }

    boolean isCluster() {
        return cluster;
    }

    @Override
    public String toString() {
        return cluster ? "one-node Redis Cluster" : "standalone Redis";
    }

    /** {@code redis://user:dev-user-password@127.0.0.1:port}: the documented development password of {@code user}. */
    String uri(String user) {
        return "redis://" + user + ":" + devPassword(user) + "@" + HOST + ":" + port;
    }

    /** A connection logged in as {@code user} with its development password. */
    Jedis as(String user) {
        return as(user, RedisProtocol.RESP2);
    }

    /** A connection logged in as {@code user}; with RESP3 the login is {@code HELLO 3 AUTH user password}. */
    Jedis as(String user, RedisProtocol protocol) {
        return new Jedis(
                new HostAndPort(HOST, port),
                DefaultJedisClientConfig.builder()
                        .user(user)
                        .password(devPassword(user))
                        .protocol(protocol)
                        .timeoutMillis(5_000)
                        .build());
    }

    /** deploy/README.md: the hashes in users.acl are of {@code dev-<user>-password}. */
    static String devPassword(String user) {
        return "dev-" + user + "-password";
    }

    String log() {
        try {
            return Files.readString(workDir.resolve("redis.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } finally {
            deleteTree(workDir);
        }
    }

    private static AclRedis launch(Path binary, Path workDir, Path acl, int port, boolean cluster) {
        Path log = workDir.resolve("redis.log");
        List<String> command = new ArrayList<>(List.of(
                binary.toString(),
                "--port",
                String.valueOf(port),
                "--bind",
                HOST,
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                workDir.toString(),
                "--aclfile",
                acl.toString(),
                "--daemonize",
                "no"));
        if (cluster) {
            command.addAll(List.of(
                    "--cluster-enabled",
                    "yes",
                    "--cluster-config-file",
                    workDir.resolve("nodes.conf").toString(),
                    // The default bus port (port + 10000) can be taken or out of range for an ephemeral port.
                    "--cluster-port",
                    String.valueOf(freePort())));
        }
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(Redirect.to(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + binary, e);
        }
        AclRedis redis = new AclRedis(workDir, port, process, cluster);
        try {
            Await.until(
                    STARTUP_TIMEOUT,
                    () -> {
                        if (!process.isAlive()) {
                            // An Error, not an exception: Await retries on exceptions, but a dead server will not come
                            // back.
                            throw new AssertionError("redis-server exited with code " + process.exitValue());
                        }
                        try (Jedis admin = redis.as("admin")) {
                            return "PONG".equals(admin.ping());
                        }
                    },
                    "redis-server on port " + port + " to accept the admin user");
        } catch (AssertionError e) {
            process.destroyForcibly();
            throw new IllegalStateException(
                    "redis-server " + binary + " with " + acl + " did not start: " + e.getMessage() + "\n"
                            + redis.log(),
                    e);
        }
        return redis;
    }

    private static Path binary() {
        Path binary = onPath("redis-server")
                .orElseThrow(() -> new IllegalStateException("redis-server (>= " + MIN_MAJOR_VERSION
                        + ".0) is not on PATH; RedisAclTest needs it to load deploy/users.acl"));
        String version = versionOf(binary);
        Matcher major = Pattern.compile("v=(\\d+)\\.").matcher(version);
        if (!major.find() || Integer.parseInt(major.group(1)) < MIN_MAJOR_VERSION) {
            throw new IllegalStateException(binary + " is '" + version.trim() + "'; deploy/users.acl needs Redis >= "
                    + MIN_MAJOR_VERSION + ".0 (ACL selectors)");
        }
        return binary;
    }

    private static String versionOf(Path binary) {
        try {
            Process version = new ProcessBuilder(binary.toString(), "--version")
                    .redirectErrorStream(true)
                    .start();
            String text = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            version.waitFor(10, TimeUnit.SECONDS);
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + binary + " --version", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Stream.of(path.split(File.pathSeparator))
                .map(dir -> Path.of(dir.isEmpty() ? "." : dir, name))
                .filter(candidate -> Files.isRegularFile(candidate) && Files.isExecutable(candidate))
                .findFirst();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    private static Path createWorkDir() {
        try {
            return Files.createTempDirectory("agentfleet-acl-redis-");
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a temporary directory", e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Best effort: a leftover temporary directory is harmless.
        }
    }
}
