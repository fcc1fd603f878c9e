package io.agentfleet.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A main class running in a separate JVM: a real process that crash tests can SIGTERM or
 * {@code kill -9}.
 *
 * <pre>{@code
 * try (JavaProcess worker = JavaProcess.builder(WorkerMain.class).env("REDIS_URL", redis.uri()).start()) {
 *     worker.awaitLog("consumer started", Duration.ofSeconds(60));
 *     worker.kill9();
 * }
 * }</pre>
 *
 * <p>Guarantees: the child runs on this JVM's {@code java} binary with this JVM's class path;
 * its stdout and stderr both go to one log file; failures ({@link #waitFor}, {@link #awaitLog})
 * are {@link AssertionError}s carrying the log tail; {@link #close()}, and failing that a JVM
 * shutdown hook, kill it so no child JVM outlives the test run.
 */
public final class JavaProcess implements AutoCloseable {

    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration LOG_POLL_INTERVAL = Duration.ofMillis(50);
    private static final String LOG_DIR = "child-jvms";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("HHmmss");

    private final String mainClass;
    private final Process process;
    private final Path logFile;

    private JavaProcess(String mainClass, Process process, Path logFile) {
        this.mainClass = mainClass;
        this.process = process;
        this.logFile = logFile;
    }

    public static Builder builder(Class<?> mainClass) {
        return builder(mainClass.getName());
    }

    public static Builder builder(String mainClass) {
        return new Builder(mainClass);
    }

    public long pid() {
        return process.pid();
    }

    /** Sends SIGTERM (the JVM runs its shutdown hooks) and returns at once; see {@link #waitFor}. */
    public void sigterm() {
        process.destroy();
    }

    /** {@code kill -9}; returns once the process is gone. */
    public void kill9() {
        process.destroyForcibly();
        waitFor(KILL_TIMEOUT);
    }

    /**
     * Waits for the process to exit and returns its exit code (143 after SIGTERM, 137 after kill -9).
     *
     * @throws AssertionError with the log tail if it is still running after {@code timeout}
     */
    public int waitFor(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(this + " still running after " + timeout + "\n" + LogTail.tail(logFile));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + this, e);
        }
        Reaper.forget(process.toHandle());
        return process.exitValue();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The file receiving the child's stdout and stderr. */
    public Path logFile() {
        return logFile;
    }

    /** Everything the child printed so far. */
    public String logText() {
        return LogTail.read(logFile);
    }

    /**
     * Polls the log until it contains {@code text}.
     *
     * @throws AssertionError with the log tail on timeout, or as soon as the process has exited
     *     without printing it
     */
    public void awaitLog(String text, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!logText().contains(text)) {
            if (!process.isAlive()) {
                // The last lines may have landed between the read and the liveness check.
                if (logText().contains(text)) {
                    return;
                }
                throw new AssertionError(this + " exited with code " + process.exitValue() + " before logging \"" + text
                        + "\"\n" + LogTail.tail(logFile));
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError(
                        this + " did not log \"" + text + "\" within " + timeout + "\n" + LogTail.tail(logFile));
            }
            Await.sleep(LOG_POLL_INTERVAL);
        }
    }

    /**
     * Kills the process with {@code kill -9} if it is still alive, and the processes it started (a demo or orchestrator
     * under test starts its own children, which would otherwise outlive it).
     */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            kill9();
        }
        Reaper.forget(process.toHandle());
    }

    @Override
    public String toString() {
        return "JavaProcess " + mainClass + " (pid " + process.pid() + ", log " + logFile + ")";
    }

    /** How to launch the child JVM; every method returns this builder. */
    public static final class Builder {
        private final String mainClass;
        private final List<String> args = new ArrayList<>();
        private final List<String> jvmArgs = new ArrayList<>();
        private final Map<String, String> sysProps = new LinkedHashMap<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private String classPath = System.getProperty("java.class.path");
        private Path logFile;
        private Path workingDir;

        private Builder(String mainClass) {
            this.mainClass = Objects.requireNonNull(mainClass, "mainClass");
        }

        /** Program arguments, after the main class. */
        public Builder arg(String... values) {
            args.addAll(List.of(values));
            return this;
        }

        public Builder env(String name, String value) {
            env.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** A {@code -Dname=value}. */
        public Builder sysProp(String name, String value) {
            sysProps.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** JVM options such as {@code -Xmx256m}, before the main class. */
        public Builder jvmArg(String... values) {
            jvmArgs.addAll(List.of(values));
            return this;
        }

        /** Replaces the class path (default: this JVM's {@code java.class.path}). */
        public Builder classPath(String classPath) {
            this.classPath = Objects.requireNonNull(classPath, "classPath");
            return this;
        }

        /**
         * Where stdout and stderr go (appended). Default: {@code target/child-jvms/<Main>-<time>.log}
         * when run from a module directory, else a temporary file; kept for post-mortems.
         */
        public Builder logTo(Path logFile) {
            this.logFile = Objects.requireNonNull(logFile, "logFile");
            return this;
        }

        public Builder workingDir(Path workingDir) {
            this.workingDir = Objects.requireNonNull(workingDir, "workingDir");
            return this;
        }

        /** Starts the JVM; it is watched by the shutdown hook from this moment. */
        public JavaProcess start() {
            Path log = logFile != null ? logFile : defaultLogFile();
            ProcessBuilder builder = new ProcessBuilder(command())
                    .redirectErrorStream(true)
                    .redirectOutput(Redirect.appendTo(createParents(log).toFile()));
            builder.environment().putAll(env);
            if (workingDir != null) {
                builder.directory(workingDir.toFile());
            }
            try {
                Process process = builder.start();
                Reaper.watch(process.toHandle());
                return new JavaProcess(mainClass, process, log);
            } catch (IOException e) {
                throw new UncheckedIOException("could not start a JVM for " + mainClass, e);
            }
        }

        private List<String> command() {
            List<String> command = new ArrayList<>();
            command.add(javaBinary());
            if (Runtime.version().feature() >= 23) {
                // Netty (under Lettuce) switches to slower buffer access when sun.misc.Unsafe memory access is not
                // explicitly allowed (JDK 23+): ~6% more worker CPU in W1. The child runs this JVM's java binary.
                command.add("--sun-misc-unsafe-memory-access=allow");
            }
            command.addAll(jvmArgs);
            sysProps.forEach((name, value) -> command.add("-D" + name + "=" + value));
            command.addAll(List.of("-cp", classPath, mainClass));
            command.addAll(args);
            return command;
        }

        private Path defaultLogFile() {
            String prefix = mainClass.substring(mainClass.lastIndexOf('.') + 1) + "-"
                    + LocalDateTime.now().format(STAMP) + "-";
            Path moduleTarget = Path.of("target");
            try {
                if (Files.isDirectory(moduleTarget)) {
                    return Files.createTempFile(Files.createDirectories(moduleTarget.resolve(LOG_DIR)), prefix, ".log");
                }
                return Files.createTempFile(prefix, ".log");
            } catch (IOException e) {
                throw new UncheckedIOException("could not create a log file for " + mainClass, e);
            }
        }

        private static Path createParents(Path file) {
            try {
                Path parent = file.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                return file;
            } catch (IOException e) {
                throw new UncheckedIOException("could not create the directory of " + file, e);
            }
        }
    }

    static String javaBinary() {
        return ProcessHandle.current()
                .info()
                .command()
                .orElseGet(() ->
                        Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }
}
