package io.agentfleet.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Kills every process the fixtures started, and deletes their scratch directories, when the JVM
 * exits, so that a failing test never leaves a redis-server or child JVM behind.
 */
final class Reaper {

    private static final Set<ProcessHandle> PROCESSES = ConcurrentHashMap.newKeySet();
    private static final Set<Path> DIRECTORIES = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Reaper::reapAll, "agentfleet-test-reaper"));
    }

    private Reaper() {}

    static void watch(ProcessHandle process) {
        PROCESSES.add(process);
    }

    static void forget(ProcessHandle process) {
        PROCESSES.remove(process);
    }

    static void deleteOnExit(Path directory) {
        DIRECTORIES.add(directory);
    }

    /** Deletes a directory tree now; a leftover file is not worth failing a test for. */
    static void deleteNow(Path directory) {
        DIRECTORIES.remove(directory);
        deleteTree(directory);
    }

    private static void reapAll() {
        PROCESSES.forEach(Reaper::killTree);
        DIRECTORIES.forEach(Reaper::deleteTree);
    }

    private static void killTree(ProcessHandle process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static void deleteTree(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(Reaper::deleteQuietly);
        } catch (IOException | RuntimeException e) {
            // Best effort: the directory lives under java.io.tmpdir anyway.
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // Best effort, see deleteTree.
        }
    }
}
