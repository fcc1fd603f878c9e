package io.agentfleet.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test helper: is a pid gone? A zombie waiting for its parent to reap it counts as gone. */
final class Processes {

    private Processes() {}

    static boolean isGone(long pid) {
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            return isZombie(pid);
        }
        return true;
    }

    private static boolean isZombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) == 'Z';
        } catch (IOException e) {
            return true;
        }
    }
}
