package io.agentfleet.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Sends POSIX signals the JDK has no API for (SIGSTOP, SIGCONT) with the {@code kill} command. */
final class Signals {

    private static final Duration STATE_TIMEOUT = Duration.ofSeconds(5);

    private Signals() {}

    static void send(String signal, long pid) {
        int exit = run("kill", "-" + signal, Long.toString(pid));
        if (exit != 0) {
            throw new IllegalStateException("kill -" + signal + " " + pid + " exited with " + exit);
        }
    }

    /**
     * Waits until /proc reports the process as stopped (or not stopped). Signals are delivered
     * asynchronously; without /proc (macOS) this returns at once.
     */
    static void awaitStopped(long pid, boolean stopped) {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        if (!Files.exists(stat)) {
            return;
        }
        Await.until(
                STATE_TIMEOUT,
                () -> isStopped(stat) == stopped,
                "pid " + pid + (stopped ? " to stop" : " to continue"));
    }

    private static boolean isStopped(Path stat) {
        try {
            String content = Files.readString(stat, StandardCharsets.US_ASCII);
            // Format: "pid (comm) S ..."; comm may contain spaces, so find the state after the last ')'.
            char state = content.charAt(content.lastIndexOf(')') + 2);
            return state == 'T' || state == 't';
        } catch (IOException e) {
            return false;
        }
    }

    private static int run(String... command) {
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getInputStream().transferTo(OutputStream.nullOutputStream());
            return process.waitFor();
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + String.join(" ", command), e);
        }
    }
}
