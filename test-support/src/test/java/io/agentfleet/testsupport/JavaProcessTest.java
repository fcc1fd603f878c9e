package io.agentfleet.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JavaProcessTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void returnsTheExitCodeOfTheMainClass() {
        try (JavaProcess child =
                JavaProcess.builder(ChildMain.class).arg("exit", "7").start()) {
            assertEquals(7, child.waitFor(TIMEOUT));
        }
    }

    @Test
    void passesArgumentsEnvironmentAndSystemPropertiesAndLogsToTheGivenFile(@TempDir Path dir) {
        Path log = dir.resolve("logs/child.log");
        try (JavaProcess child = JavaProcess.builder(ChildMain.class)
                .arg("exit", "0")
                .env("CHILD_ENV", "from-env")
                .sysProp("child.greeting", "hello")
                .jvmArg("-Xmx64m")
                .logTo(log)
                .start()) {
            assertEquals(0, child.waitFor(TIMEOUT));
            assertTrue(child.logText().contains("greeting=hello env=from-env"), child.logText());
            assertTrue(Files.exists(log));
        }
    }

    @Test
    void kill9GivesANonZeroExitCode() {
        try (JavaProcess child =
                JavaProcess.builder(ChildMain.class).arg("hang").start()) {
            child.awaitLog("waiting", TIMEOUT);

            child.kill9();

            assertFalse(child.isAlive());
            int exit = child.waitFor(TIMEOUT);
            assertNotEquals(0, exit);
            assertEquals(137, exit);
            assertFalse(child.logText().contains("shutdown hook ran"), "kill -9 runs no shutdown hook");
        }
    }

    @Test
    void sigtermRunsTheChildsShutdownHooks() {
        try (JavaProcess child =
                JavaProcess.builder(ChildMain.class).arg("hang").start()) {
            child.awaitLog("waiting", TIMEOUT);

            child.sigterm();

            assertEquals(143, child.waitFor(TIMEOUT));
            assertTrue(child.logText().contains("shutdown hook ran"), child.logText());
        }
    }

    @Test
    void awaitLogFailsWithTheLogTailWhenTheProcessDiesFirst() {
        try (JavaProcess child = JavaProcess.builder(ChildMain.class).arg("die").start()) {
            AssertionError error = assertThrows(AssertionError.class, () -> child.awaitLog("never printed", TIMEOUT));

            assertTrue(error.getMessage().contains("before logging"), error.getMessage());
            assertTrue(error.getMessage().contains("dying on purpose"), error.getMessage());
        }
    }

    @Test
    void waitForFailsWhenTheProcessOutlivesTheTimeout() {
        try (JavaProcess child =
                JavaProcess.builder(ChildMain.class).arg("hang").start()) {
            child.awaitLog("waiting", TIMEOUT);

            AssertionError error = assertThrows(AssertionError.class, () -> child.waitFor(Duration.ofMillis(200)));

            assertTrue(error.getMessage().contains("still running"), error.getMessage());
        }
    }

    @Test
    void closeKillsAChildThatIsStillRunning() {
        JavaProcess child = JavaProcess.builder(ChildMain.class).arg("hang").start();
        child.awaitLog("waiting", TIMEOUT);

        child.close();

        assertFalse(child.isAlive());
    }
}
