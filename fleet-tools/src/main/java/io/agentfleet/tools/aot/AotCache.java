package io.agentfleet.tools.aot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A service's JDK AOT cache (JEP 483/514): the classes its start-up loads and links, read and linked once by a training
 * run, then mapped by every later start. The launcher keeps it next to the service's jar as
 * {@code <service>/target/<service>.aot}; a JVM given a cache that does not match its class path or options prints a
 * warning and starts without it.
 */
public record AotCache(Path jar, Path file) {
    /** The first JDK with {@code -XX:AOTCacheOutput} (one-step training, JEP 514). */
    public static final int MIN_JDK = 25;

    public AotCache {
        Objects.requireNonNull(jar, "jar");
        Objects.requireNonNull(file, "file");
    }

    /** The cache of {@code service} (e.g. {@code worker-service}) in the project at {@code root}. */
    public static AotCache of(Path root, String service) {
        Path target = root.resolve(service).resolve("target");
        return new AotCache(target.resolve(service + ".jar"), target.resolve(service + ".aot"));
    }

    /** Whether this JVM (and the children it starts with its own java binary) can train and use a cache. */
    public static boolean supported() {
        return Runtime.version().feature() >= MIN_JDK;
    }

    /** A cache that this JDK can use and that is not older than the jar it was trained on. */
    public boolean usable() {
        try {
            return supported()
                    && Files.isRegularFile(file)
                    && Files.getLastModifiedTime(file).compareTo(Files.getLastModifiedTime(jar)) >= 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** The JVM options that start the service with this cache. */
    public List<String> useOptions() {
        return List.of("-XX:AOTCache=" + file);
    }

    /** The JVM options of a training run that writes the cache to {@code output} when the JVM exits. */
    static List<String> trainOptions(Path output) {
        return List.of("-XX:AOTCacheOutput=" + output);
    }
}
