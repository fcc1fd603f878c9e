package io.agentfleet.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ServerPortTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void readsThePortOfMicronautsStartupLineInTextAndJsonLogs() {
        assertEquals(41235, portLoggedIn("Startup completed in 812ms. Server Running: http://localhost:41235"));
        assertEquals(
                41236,
                portLoggedIn("{\"formattedMessage\":\"Startup completed in 812ms. Server Running:"
                        + " http:\\/\\/localhost:41236\"}"));
    }

    @Test
    void aLogWithoutTheStartupLineFailsNamingTheLog() {
        try (JavaProcess child = exitedChildLogging("no server here")) {
            AssertionError error = assertThrows(AssertionError.class, () -> ServerPort.of(child));

            assertTrue(error.getMessage().contains(child.logFile().toString()), error.getMessage());
        }
    }

    private static int portLoggedIn(String line) {
        try (JavaProcess child = exitedChildLogging(line)) {
            return ServerPort.of(child);
        }
    }

    /** ChildMain prints its CHILD_ENV. */
    private static JavaProcess exitedChildLogging(String line) {
        JavaProcess child = JavaProcess.builder(ChildMain.class)
                .arg("exit", "0")
                .env("CHILD_ENV", line)
                .start();
        child.waitFor(TIMEOUT);
        return child;
    }
}
