package io.agentfleet.tools.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository root: the nearest directory at or above the working directory that holds docker-compose.yml. */
final class ProjectRoot {
    private static final String MARKER = "docker-compose.yml";

    private ProjectRoot() {}

    static Path find() {
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath().normalize();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(MARKER))) {
                return dir;
            }
        }
        throw new IllegalStateException("no " + MARKER + " in " + start + " or any parent directory");
    }

    static Path resolve(String relative) {
        Path path = find().resolve(relative);
        if (!Files.exists(path)) {
            throw new IllegalStateException(relative + " does not exist under " + find());
        }
        return path;
    }
}
