package io.agentfleet.testsupport;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/** Runs one redis-server process and waits until that very process answers PING. */
final class RedisLauncher {

    static final String LOG_FILE = "redis.log";
    static final String OUT_FILE = "redis-server.out";
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);

    private final Path binary;
    private final int port;
    private final Path dataDir;
    private final boolean aof;
    private final Duration startupTimeout;
    private final List<String> leadingArgs;
    private final RedisSecurity security;

    RedisLauncher(Path binary, int port, Path dataDir, boolean aof, Duration startupTimeout) {
        this(binary, port, dataDir, aof, startupTimeout, List.of(), RedisSecurity.none());
    }

    /**
     * {@code leadingArgs} go right after the binary: a config file (which Redis only accepts as the
     * first argument) and {@code --sentinel}; the options that follow override the file.
     */
    RedisLauncher(
            Path binary,
            int port,
            Path dataDir,
            boolean aof,
            Duration startupTimeout,
            List<String> leadingArgs,
            RedisSecurity security) {
        this.leadingArgs = List.copyOf(leadingArgs);
        this.security = security;
        this.binary = binary;
        this.port = port;
        this.dataDir = dataDir;
        this.aof = aof;
        this.startupTimeout = startupTimeout;
    }

    /** A ready process, watched by the {@link Reaper}; on failure nothing is left running. */
    Process launch() {
        LogMark mark = LogMark.of(dataDir);
        Process started = spawn();
        Reaper.watch(started.toHandle());
        try {
            awaitReady(started, mark);
            return started;
        } catch (StartFailure e) {
            started.destroyForcibly();
            awaitExit(started, KILL_TIMEOUT);
            Reaper.forget(started.toHandle());
            throw e;
        }
    }

    static boolean awaitExit(Process process, Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for pid " + process.pid() + " to exit", e);
        }
    }

    private Process spawn() {
        try {
            return new ProcessBuilder(command())
                    .directory(dataDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(Redirect.appendTo(dataDir.resolve(OUT_FILE).toFile()))
                    .start();
        } catch (IOException e) {
            throw new StartFailure("could not run " + binary + ": " + e.getMessage(), false);
        }
    }

    private List<String> command() {
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.addAll(leadingArgs);
        command.addAll(security.serverArgs(port));
        command.addAll(List.of("--bind", RedisProcess.HOST, "--save", "", "--appendonly", aof ? "yes" : "no"));
        if (aof) {
            // Every acknowledged write is on disk before the reply, so kill -9 loses nothing.
            command.addAll(List.of("--appendfsync", "always"));
        }
        command.addAll(List.of(
                "--dir",
                dataDir.toString(),
                "--logfile",
                dataDir.resolve(LOG_FILE).toString(),
                "--protected-mode",
                "no",
                "--daemonize",
                "no"));
        return command;
    }

    private void awaitReady(Process started, LogMark mark) {
        long deadline = System.nanoTime() + startupTimeout.toNanos();
        while (true) {
            if (!started.isAlive()) {
                throw failure(mark, "exited with code " + started.exitValue() + " before answering PING");
            }
            // Checking the pid makes sure we talk to our process, not another Redis on this port.
            OptionalLong pid = RespPing.readyProcessId(RedisProcess.HOST, port, security);
            if (pid.isPresent() && pid.getAsLong() == started.pid()) {
                return;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw failure(
                        mark,
                        "did not answer PING on port " + port + " within " + startupTimeout
                                + (pid.isPresent()
                                        ? " (another Redis, pid " + pid.getAsLong() + ", answers there)"
                                        : ""));
            }
            Await.sleep(Await.POLL_INTERVAL);
        }
    }

    private StartFailure failure(LogMark mark, String what) {
        String log = LogTail.tail(dataDir.resolve(LOG_FILE), 20);
        String out = LogTail.tail(dataDir.resolve(OUT_FILE), 10);
        boolean portBusy = mark.writtenSince(dataDir).contains("Address already in use");
        return new StartFailure("redis-server " + binary + " " + what + "\n" + log + "\n" + out, portBusy);
    }

    /** How much of the log files existed before this attempt: they are appended to across restarts. */
    private record LogMark(int logChars, int outChars) {
        static LogMark of(Path dataDir) {
            return new LogMark(
                    read(dataDir, LOG_FILE).length(), read(dataDir, OUT_FILE).length());
        }

        String writtenSince(Path dataDir) {
            return after(read(dataDir, LOG_FILE), logChars) + after(read(dataDir, OUT_FILE), outChars);
        }

        private static String read(Path dataDir, String file) {
            return LogTail.read(dataDir.resolve(file));
        }

        private static String after(String text, int chars) {
            return text.substring(Math.min(chars, text.length()));
        }
    }

    /** A start attempt failed; {@code portBusy} says whether retrying (or another port) may help. */
    static final class StartFailure extends IllegalStateException {
        private final boolean portBusy;

        StartFailure(String message, boolean portBusy) {
            super(message);
            this.portBusy = portBusy;
        }

        boolean portBusy() {
            return portBusy;
        }
    }
}
