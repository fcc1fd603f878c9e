package io.agentfleet.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;

/** A group of {@code redis-server} processes on loopback, found by port: what the multi-node fixtures share. */
final class RedisNodes {

    static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    private final List<RedisProcess> processes = new ArrayList<>();

    synchronized void add(RedisProcess process) {
        processes.add(process);
    }

    synchronized RedisProcess get(int index) {
        return processes.get(index);
    }

    synchronized List<RedisProcess> all() {
        return List.copyOf(processes);
    }

    synchronized List<Integer> ports() {
        return processes.stream().map(RedisProcess::port).toList();
    }

    synchronized List<RedisProcess> running() {
        return processes.stream().filter(RedisProcess::isRunning).toList();
    }

    /** Running and not paused. */
    synchronized List<RedisProcess> live() {
        return processes.stream().filter(p -> p.isRunning() && !p.isPaused()).toList();
    }

    synchronized boolean isLive(int port) {
        return live().stream().anyMatch(p -> p.port() == port);
    }

    synchronized Optional<RedisProcess> byPort(int port) {
        return processes.stream().filter(p -> p.port() == port).findFirst();
    }

    /** Pids of the processes running now. */
    synchronized List<Long> pids() {
        return running().stream().map(RedisProcess::pid).toList();
    }

    /** Resumes every paused process and starts every stopped one. */
    synchronized void revive() {
        for (RedisProcess process : processes) {
            process.resume();
            if (!process.isRunning()) {
                process.start();
            }
        }
    }

    /** {@code [port,port(paused),port(down)]}. */
    synchronized String describe() {
        return processes.stream().map(RedisNodes::state).collect(Collectors.joining(",", "[", "]"));
    }

    synchronized void close() {
        for (RedisProcess process : processes) {
            process.close();
        }
    }

    /**
     * Asks {@code question} of each process in turn and returns the first answer; when none answers,
     * fails with {@code nobody} and the last error.
     */
    static <T> T firstAnswer(List<RedisProcess> processes, Function<Jedis, T> question, Supplier<String> nobody) {
        RuntimeException last = null;
        for (RedisProcess process : processes) {
            try (Jedis jedis = connect(process.port(), PROBE_TIMEOUT, process.security())) {
                return question.apply(jedis);
            } catch (RuntimeException e) {
                last = e;
            }
        }
        throw new IllegalStateException(nobody.get(), last);
    }

    /** Runs a fixture's start-up; if it fails, closes what was started before rethrowing. */
    static void startOrClose(Runnable startUp, Runnable close) {
        try {
            startUp.run();
        } catch (RuntimeException | Error e) {
            close.run();
            throw e;
        }
    }

    /** How a data node runs: in {@code dir} (with its config there), with the fixture's AOF setting. */
    static RedisProcess.Options dataNodeOptions(Path dir, Path binary, boolean aof) {
        return dataNodeOptions(dir, binary, aof, RedisSecurity.none());
    }

    static RedisProcess.Options dataNodeOptions(Path dir, Path binary, boolean aof, RedisSecurity security) {
        return RedisProcess.Options.defaults()
                .withAof(aof)
                .withDataDir(dir)
                .withBinary(binary)
                .withSecurity(security);
    }

    static void requirePositive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be > 0, but was " + value);
        }
    }

    /** {@code kill -9} then a start on the same port and data directory, as a crashed pod comes back. */
    static void restart(RedisProcess process) {
        process.kill();
        process.start();
    }

    static Jedis connect(int port, Duration timeout) {
        return connect(port, timeout, RedisSecurity.none());
    }

    static Jedis connect(int port, Duration timeout, RedisSecurity security) {
        return new Jedis(new HostAndPort(RedisProcess.HOST, port), clientConfig(timeout, security));
    }

    static JedisClientConfig clientConfig(Duration timeout) {
        return clientConfig(timeout, RedisSecurity.none());
    }

    static JedisClientConfig clientConfig(Duration timeout, RedisSecurity security) {
        return security.jedisConfig(timeout);
    }

    /** A temporary directory that a JVM shutdown hook deletes if the fixture does not. */
    static Path createRoot(String prefix, String what) {
        try {
            Path dir = Files.createTempDirectory(prefix).toAbsolutePath();
            Reaper.deleteOnExit(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a " + what + " data directory", e);
        }
    }

    /** Writes {@code lines} to {@code dir/file} (creating {@code dir}); returns the file's absolute path. */
    static Path writeConfig(Path dir, String file, List<String> lines) {
        try {
            Files.createDirectories(dir);
            return Files.writeString(dir.resolve(file), String.join("\n", lines) + "\n")
                    .toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + dir.resolve(file), e);
        }
    }

    private static String state(RedisProcess process) {
        return process.port() + (process.isPaused() ? "(paused)" : process.isRunning() ? "" : "(down)");
    }
}
