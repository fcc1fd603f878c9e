package io.agentfleet.tools.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the runnable service jars are, relative to the project root ({@code fleet.root}, else the working dir). */
public final class ServiceJars {
    private ServiceJars() {}

    public static Path root() {
        return Path.of(System.getProperty("fleet.root", System.getenv().getOrDefault("FLEET_ROOT", ".")))
                .toAbsolutePath();
    }

    public static String worker() {
        return require(root().resolve("worker-service/target/worker-service.jar"));
    }

    public static String orchestrator() {
        return require(root().resolve("orchestrator-service/target/orchestrator-service.jar"));
    }

    public static String tools() {
        return require(root().resolve("fleet-tools/target/fleet-tools.jar"));
    }

    private static String require(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build first (./fleet build)");
        }
        return jar.toString();
    }
}
