package io.agentfleet.worker.llm;

import io.agentfleet.messages.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;

/**
 * Where an API key comes from: an environment variable, a mounted secret file, or nowhere (local models). The value
 * never appears in {@link #toString()}; {@link #describe()} names only the source.
 */
final class ApiKey {
    static final ApiKey NONE = new ApiKey(null, null, "no API key");

    private final String fixedValue;
    private final Path file;
    private final String source;
    /** The setting that names the file, for errors. */
    private final String settingKey;

    private volatile FileTime fileStamp;
    private volatile String fileValue;

    private ApiKey(String fixedValue, Path file, String source) {
        this(fixedValue, file, source, null);
    }

    private ApiKey(String fixedValue, Path file, String source, String settingKey) {
        this.settingKey = settingKey;
        this.fixedValue = fixedValue;
        this.file = file;
        this.source = source;
    }

    static ApiKey ofEnv(String variable, String value) {
        return new ApiKey(value.trim(), null, "environment variable " + variable);
    }

    /** A key read from {@code file} now and again whenever the file changes (a rotated Kubernetes secret). */
    static ApiKey ofFile(String settingKey, Path file) {
        ApiKey key = new ApiKey(null, file, "file " + file, settingKey);
        if (key.value().isEmpty()) {
            throw new ConfigException(settingKey, settingKey + " names '" + file + "', which is empty");
        }
        return key;
    }

    /** For tests. */
    static ApiKey of(String value) {
        return new ApiKey(value, null, "a literal");
    }

    /** The key, or empty when none is configured. */
    Optional<String> value() {
        if (file == null) {
            return Optional.ofNullable(fixedValue).filter(v -> !v.isEmpty());
        }
        return Optional.of(readFile()).filter(v -> !v.isEmpty());
    }

    boolean isPresent() {
        return value().isPresent();
    }

    /** Where the key comes from, safe to log. */
    String describe() {
        return source;
    }

    private String readFile() {
        try {
            FileTime stamp = Files.getLastModifiedTime(file);
            if (!stamp.equals(fileStamp)) {
                fileValue = Files.readString(file, StandardCharsets.UTF_8).trim();
                fileStamp = stamp;
            }
            return fileValue;
        } catch (IOException e) {
            // The message of an IOException names the path only, never the content.
            throw new ConfigException(
                    settingKey, settingKey + ": cannot read the API key file " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "ApiKey(" + source + ", value redacted)";
    }
}
