package io.agentfleet.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads the end of a log file for error messages. */
final class LogTail {

    static final int DEFAULT_LINES = 30;

    private LogTail() {}

    static String read(Path file) {
        if (file == null || !Files.exists(file)) {
            return "";
        }
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<could not read " + file + ": " + e.getMessage() + ">";
        }
    }

    static String tail(Path file, int lines) {
        List<String> all = read(file).lines().toList();
        List<String> last = all.subList(Math.max(0, all.size() - lines), all.size());
        return "--- last " + last.size() + " lines of " + file + " ---\n" + String.join("\n", last);
    }

    static String tail(Path file) {
        return tail(file, DEFAULT_LINES);
    }
}
