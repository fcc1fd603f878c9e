package io.agentfleet.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.IntSupplier;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisPooled;

/**
 * A real {@code redis-server} process on a loopback port, owned by the caller and usable with or
 * without JUnit (benchmarks, demo launchers).
 *
 * <p>Guarantees: {@link #start(Options)} returns only once this very process answers PING; the
 * port and data directory stay the same for the handle's whole life, so {@link #restart()} after
 * {@link #kill()} reloads the AOF on the same port; with AOF on, {@code appendfsync always} means
 * every acknowledged write survives {@code kill -9}. The binary is Debian's {@code redis-server}
 * on PATH if there is one, else the one shipped inside {@code com.github.codemonstur:embedded-redis}.
 * {@link #close()} (and, failing that, a JVM shutdown hook) kills the process and deletes a data
 * directory the handle created.
 */
public final class RedisProcess implements RedisBackend {

    /** The only interface the process listens on. */
    public static final String HOST = "127.0.0.1";

    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration PORT_REUSE_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration PORT_RETRY_PAUSE = Duration.ofMillis(100);
    private static final int FREE_PORT_ATTEMPTS = 5;

    /**
     * How to start the process.
     *
     * @param aof append-only persistence with {@code appendfsync always}
     * @param port the port, or 0 to pick a free one
     * @param dataDir where AOF and log files go, or null for a fresh temporary directory that
     *     {@link #close()} deletes
     * @param binary the {@code redis-server} to run, or null to find one
     * @param startupTimeout how long to wait for the first PONG
     * @param security TLS and/or an ACL user ({@link RedisSecurity#none()}: plain, no password)
     */
    public record Options(
            boolean aof, int port, Path dataDir, Path binary, Duration startupTimeout, RedisSecurity security) {

        public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(10);

        public Options {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be in 0..65535, but was " + port);
            }
            Objects.requireNonNull(startupTimeout, "startupTimeout");
            if (startupTimeout.isNegative() || startupTimeout.isZero()) {
                throw new IllegalArgumentException("startupTimeout must be > 0, but was " + startupTimeout);
            }
            Objects.requireNonNull(security, "security");
        }

        public Options(boolean aof, int port, Path dataDir, Path binary, Duration startupTimeout) {
            this(aof, port, dataDir, binary, startupTimeout, RedisSecurity.none());
        }

        /** No AOF, a free port, a temporary data directory, the best binary, a 10 s start timeout. */
        public static Options defaults() {
            return new Options(false, 0, null, null, DEFAULT_STARTUP_TIMEOUT);
        }

        public Options withAof(boolean aof) {
            return new Options(aof, port, dataDir, binary, startupTimeout, security);
        }

        public Options withPort(int port) {
            return new Options(aof, port, dataDir, binary, startupTimeout, security);
        }

        public Options withDataDir(Path dataDir) {
            return new Options(aof, port, dataDir, binary, startupTimeout, security);
        }

        public Options withBinary(Path binary) {
            return new Options(aof, port, dataDir, binary, startupTimeout, security);
        }

        public Options withStartupTimeout(Duration startupTimeout) {
            return new Options(aof, port, dataDir, binary, startupTimeout, security);
        }

        /** Only a TLS port (no plain one), with these certificates; the health checks speak TLS too. */
        public Options withTls(TlsFiles tls) {
            return withSecurity(security.withTls(tls));
        }

        /** An ACL user with all rights, whose password is also {@code requirepass} and {@code masterauth}. */
        public Options withUser(String user, String password) {
            return withSecurity(security.withUser(user, password));
        }

        public Options withSecurity(RedisSecurity security) {
            return new Options(aof, port, dataDir, binary, startupTimeout, security);
        }
    }

    private final Options options;
    private final Path binary;
    private final int port;
    private final Path dataDir;
    private final boolean ownsDataDir;
    private final List<String> leadingArgs;
    private Process process;
    private boolean paused;

    private RedisProcess(
            Options options, Path binary, int port, Path dataDir, boolean ownsDataDir, List<String> leadingArgs) {
        this.options = options;
        this.leadingArgs = leadingArgs;
        this.binary = binary;
        this.port = port;
        this.dataDir = dataDir;
        this.ownsDataDir = ownsDataDir;
    }

    /**
     * Starts a redis-server and waits until it answers PING.
     *
     * @throws IllegalStateException naming every binary tried and the tail of its log, when none
     *     could be started
     */
    public static RedisProcess start(Options options) {
        return start(options, List.of());
    }

    /** As {@link #start(Options)}, with a config file and/or {@code --sentinel} before the other options. */
    static RedisProcess start(Options options, List<String> leadingArgs) {
        return start(options, leadingArgs, FreePort::pick);
    }

    /**
     * As {@link #start(Options, List)}; with port 0, the ports come from {@code freePorts}, a new one whenever the
     * last turned out taken (another process, e.g. a test JVM running in parallel, bound it first).
     */
    static RedisProcess start(Options options, List<String> leadingArgs, IntSupplier freePorts) {
        Objects.requireNonNull(options, "options");
        List<String> leading = List.copyOf(leadingArgs);
        List<String> tried = new ArrayList<>();
        List<Path> binaries = options.binary() != null ? List.of(options.binary()) : RedisBinaries.candidates(tried);
        for (Path binary : binaries) {
            try {
                return startWith(binary, options, leading, freePorts);
            } catch (IllegalStateException | UncheckedIOException e) {
                tried.add(binary + ": " + e.getMessage());
            }
        }
        throw new IllegalStateException("Could not start a redis-server. Tried: " + String.join("; ", tried));
    }

    /** The Redis 6.2 binary shipped inside embedded-redis, extracted once; for runs that must not use the system's. */
    public static Path embeddedBinary() {
        return RedisBinaries.embedded();
    }

    /** {@code redis://127.0.0.1:PORT}; {@code rediss://user:password@…} with TLS and an ACL user. */
    @Override
    public String uri() {
        return options.security().uriPrefix("") + HOST + ":" + port;
    }

    /** The URL without the password, for messages. */
    private String address() {
        return (security().isTls() ? "rediss://" : "redis://") + HOST + ":" + port;
    }

    /** A new pooled client of this process (TLS and AUTH as configured); the caller closes it. */
    public JedisPooled client() {
        return new JedisPooled(new HostAndPort(HOST, port), options.security().jedisConfig(CLIENT_TIMEOUT));
    }

    /** How this process is reached (TLS, ACL user). */
    public RedisSecurity security() {
        return options.security();
    }

    @Override
    public String host() {
        return HOST;
    }

    @Override
    public int port() {
        return port;
    }

    /** The pid of the current (or last) process; it changes with every {@link #start()}. */
    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException("redis-server on port " + port + " was never started");
        }
        return process.pid();
    }

    /** Where the AOF and {@code redis.log} live; it survives restarts. */
    public Path dataDir() {
        return dataDir;
    }

    /** The redis-server binary this handle runs. */
    public Path binary() {
        return binary;
    }

    /** Everything Redis logged so far, for diagnosing a failed test. */
    public String logText() {
        return LogTail.read(dataDir.resolve(RedisLauncher.LOG_FILE));
    }

    @Override
    public String describe() {
        return "redis-server " + binary + " (pid " + (process == null ? "-" : process.pid()) + ") on " + address()
                + ", data dir " + dataDir;
    }

    @Override
    public boolean isControllable() {
        return true;
    }

    /** Graceful shutdown (SIGTERM: Redis flushes the AOF and exits); returns once it has exited. */
    @Override
    public synchronized void stop() {
        if (!isRunning()) {
            return;
        }
        resume();
        process.destroy();
        if (!RedisLauncher.awaitExit(process, STOP_TIMEOUT)) {
            process.destroyForcibly();
            RedisLauncher.awaitExit(process, STOP_TIMEOUT);
        }
        Reaper.forget(process.toHandle());
    }

    /** {@code kill -9}, also when paused; returns once the process is gone. */
    @Override
    public synchronized void kill() {
        if (!isRunning()) {
            return;
        }
        process.destroyForcibly();
        RedisLauncher.awaitExit(process, STOP_TIMEOUT);
        paused = false;
        Reaper.forget(process.toHandle());
    }

    /**
     * Starts a stopped or killed Redis again on the same port and data directory (retrying for a
     * while if the port is still held), and returns once it answers PING.
     */
    @Override
    public synchronized void start() {
        if (isRunning()) {
            throw new IllegalStateException(
                    "redis-server is already running on " + address() + " (pid " + process.pid() + ")");
        }
        launchRetryingBusyPort();
    }

    /** {@link #stop()} if running, then {@link #start()}. */
    @Override
    public synchronized void restart() {
        stop();
        start();
    }

    /** SIGSTOP: the process keeps its port but answers nothing until {@link #resume()}. */
    @Override
    public synchronized void pause() {
        requireRunning("pause");
        if (!paused) {
            Signals.send("STOP", process.pid());
            Signals.awaitStopped(process.pid(), true);
            paused = true;
        }
    }

    /** SIGCONT: undoes {@link #pause()}; a no-op when not paused. */
    @Override
    public synchronized void resume() {
        if (paused && isRunning()) {
            Signals.send("CONT", process.pid());
            Signals.awaitStopped(process.pid(), false);
        }
        paused = false;
    }

    /** True while the process is alive, paused or not. */
    @Override
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    public synchronized boolean isPaused() {
        return paused && isRunning();
    }

    /** Kills the process and deletes the data directory if this handle created it. */
    @Override
    public synchronized void close() {
        kill();
        if (ownsDataDir) {
            Reaper.deleteNow(dataDir);
        }
    }

    @Override
    public String toString() {
        return describe();
    }

    private static RedisProcess startWith(
            Path binary, Options options, List<String> leadingArgs, IntSupplier freePorts) {
        boolean ownsDataDir = options.dataDir() == null;
        Path dataDir = createDataDir(options.dataDir());
        try {
            return launchOnSomePort(binary, options, dataDir, ownsDataDir, leadingArgs, freePorts);
        } catch (RuntimeException e) {
            if (ownsDataDir) {
                Reaper.deleteNow(dataDir);
            }
            throw e;
        }
    }

    private static RedisProcess launchOnSomePort(
            Path binary,
            Options options,
            Path dataDir,
            boolean ownsDataDir,
            List<String> leadingArgs,
            IntSupplier freePorts) {
        if (options.port() != 0) {
            RedisProcess redis = new RedisProcess(options, binary, options.port(), dataDir, ownsDataDir, leadingArgs);
            redis.launchRetryingBusyPort();
            return redis;
        }
        for (int attempt = 1; ; attempt++) {
            RedisProcess redis =
                    new RedisProcess(options, binary, freePorts.getAsInt(), dataDir, ownsDataDir, leadingArgs);
            try {
                redis.launch();
                return redis;
            } catch (RedisLauncher.StartFailure e) {
                // Another process took the port between picking and binding it: pick another.
                if (!e.portBusy() || attempt == FREE_PORT_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private static Path createDataDir(Path requested) {
        try {
            if (requested != null) {
                return Files.createDirectories(requested).toAbsolutePath();
            }
            Path dir = Files.createTempDirectory("agentfleet-redis-").toAbsolutePath();
            Reaper.deleteOnExit(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a Redis data directory", e);
        }
    }

    private void launchRetryingBusyPort() {
        long deadline = System.nanoTime() + PORT_REUSE_TIMEOUT.toNanos();
        while (true) {
            try {
                launch();
                return;
            } catch (RedisLauncher.StartFailure e) {
                if (!e.portBusy() || System.nanoTime() - deadline >= 0) {
                    throw e;
                }
                Await.sleep(PORT_RETRY_PAUSE);
            }
        }
    }

    private void launch() {
        process = new RedisLauncher(
                        binary, port, dataDir, options.aof(), options.startupTimeout(), leadingArgs, options.security())
                .launch();
        paused = false;
    }

    private void requireRunning(String operation) {
        if (!isRunning()) {
            throw new IllegalStateException(
                    "cannot " + operation + " redis-server on " + address() + ": it is not running");
        }
    }
}
