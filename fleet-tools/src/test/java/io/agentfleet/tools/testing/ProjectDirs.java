package io.agentfleet.tools.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the project and its built service jars are, seen from a test's working directory. */
public final class ProjectDirs {
    private ProjectDirs() {}

    /** The nearest directory at or above the working directory holding the {@code fleet} launcher. */
    public static Path root() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("fleet"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException(
                    "project root (with ./fleet) not found above " + System.getProperty("user.dir"));
        }
        return dir;
    }

    public static String workerJar() {
        return root().resolve("worker-service/target/worker-service.jar").toString();
    }

    public static String orchestratorJar() {
        return root().resolve("orchestrator-service/target/orchestrator-service.jar")
                .toString();
    }
}
