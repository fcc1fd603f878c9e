package io.agentfleet.orchestrator.config;

import io.agentfleet.messages.config.ConfigValues;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * How results are read from the result streams.
 *
 * @param consumerName this replica's consumer name in the {@code orchestrators} group
 * @param claimAfter idle time after which another replica takes over a result that was read but not acknowledged
 * @param readCount most results read per XREADGROUP
 * @param readBlock how long one XREADGROUP blocks
 */
public record IntakeConfig(String consumerName, Duration claimAfter, int readCount, Duration readBlock) {
    public static final Duration DEFAULT_CLAIM_AFTER = Duration.ofSeconds(15);
    public static final int DEFAULT_READ_COUNT = 200;
    public static final Duration DEFAULT_READ_BLOCK = Duration.ofSeconds(2);

    public IntakeConfig {
        Objects.requireNonNull(consumerName, "consumerName");
    }

    static IntakeConfig read(ConfigValues r) {
        return new IntakeConfig(
                r.string(ConfigKeys.CONSUMER_NAME, defaultConsumerName()),
                r.positiveDuration(ConfigKeys.CLAIM_AFTER, DEFAULT_CLAIM_AFTER),
                r.intAtLeast(ConfigKeys.READ_COUNT, DEFAULT_READ_COUNT, 1),
                r.positiveDuration(ConfigKeys.READ_BLOCK, DEFAULT_READ_BLOCK));
    }

    private static String defaultConsumerName() {
        String host;
        try {
            host = System.getenv()
                    .getOrDefault("HOSTNAME", InetAddress.getLocalHost().getHostName());
        } catch (IOException e) {
            host = "orchestrator";
        }
        return host + "-" + ProcessHandle.current().pid();
    }
}
