package io.agentfleet.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Finds a redis-server binary: the one on PATH, else the one shipped inside embedded-redis. */
final class RedisBinaries {

    static final String SERVER = "redis-server";

    private static Path extracted;

    private RedisBinaries() {}

    /** Binaries to try, best first; explains in {@code notes} why a kind is missing. */
    static List<Path> candidates(List<String> notes) {
        List<Path> candidates = new ArrayList<>();
        onPath().ifPresentOrElse(candidates::add, () -> notes.add("no " + SERVER + " on PATH"));
        try {
            candidates.add(embedded());
        } catch (RuntimeException e) {
            notes.add("embedded-redis binary unavailable: " + e.getMessage());
        }
        return candidates;
    }

    static Optional<Path> onPath() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, SERVER);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Extracts the embedded-redis binary for this platform once per JVM. */
    static synchronized Path embedded() {
        if (extracted == null) {
            extracted = extract(embeddedResourceName());
        }
        return extracted;
    }

    static String embeddedResourceName() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        boolean x64 = arch.equals("amd64") || arch.equals("x86_64");
        boolean arm64 = arch.equals("aarch64") || arch.equals("arm64");
        if (os.contains("linux") && x64) {
            return "redis-server-6.2.6-v5-linux-amd64";
        }
        if (os.contains("linux") && arm64) {
            return "redis-server-6.2.7-linux-arm64";
        }
        if (os.contains("linux") && (arch.equals("x86") || arch.equals("i386"))) {
            return "redis-server-6.2.7-linux-386";
        }
        if (os.contains("mac") && x64) {
            return "redis-server-6.2.6-v5-darwin-amd64";
        }
        if (os.contains("mac") && arm64) {
            return "redis-server-6.2.6-v5-darwin-arm64";
        }
        throw new IllegalStateException("embedded-redis ships no usable binary for " + os + "/" + arch);
    }

    private static Path extract(String resource) {
        try (InputStream in = RedisBinaries.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource " + resource
                        + " not on the classpath (is com.github.codemonstur:embedded-redis a dependency?)");
            }
            Path dir = Files.createTempDirectory("agentfleet-redis-bin-");
            Reaper.deleteOnExit(dir);
            Path binary = dir.resolve(resource);
            Files.copy(in, binary, StandardCopyOption.REPLACE_EXISTING);
            if (!binary.toFile().setExecutable(true, true)) {
                throw new IllegalStateException("could not make " + binary + " executable");
            }
            return binary;
        } catch (IOException e) {
            throw new UncheckedIOException("could not extract " + resource, e);
        }
    }
}
