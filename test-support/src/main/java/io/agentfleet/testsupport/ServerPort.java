package io.agentfleet.testsupport;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP port of a Micronaut service started as a {@link JavaProcess} with {@link #RANDOM}: the kernel picks the port
 * when the server binds it, so test JVMs running in parallel cannot race for one (as they can for a port picked free
 * beforehand and bound later).
 */
public final class ServerPort {

    /** The {@code MICRONAUT_SERVER_PORT} (or {@code micronaut.server.port}) that binds a port the kernel picks. */
    public static final String RANDOM = "-1";

    // Micronaut's "Startup completed in 812ms. Server Running: http://localhost:41235"; JSON logs may escape the '/'.
    private static final Pattern RUNNING = Pattern.compile("Server Running: [^\\s\"]*:(\\d+)");

    private ServerPort() {}

    /**
     * The port the process reported when its server started.
     *
     * @throws AssertionError with the log tail when the log does not name it (yet)
     */
    public static int of(JavaProcess process) {
        Matcher m = RUNNING.matcher(process.logText());
        if (!m.find()) {
            throw new AssertionError(
                    "no \"Server Running\" port in the log of " + process + "\n" + LogTail.tail(process.logFile()));
        }
        return Integer.parseInt(m.group(1));
    }
}
