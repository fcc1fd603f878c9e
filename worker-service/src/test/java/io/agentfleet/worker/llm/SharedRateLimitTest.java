package io.agentfleet.worker.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.RedisExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two worker processes calling one provider key stay, together, under the key's shared rate limit. */
class SharedRateLimitTest {
    @RegisterExtension
    static final RedisExtension redis = RedisExtension.create();

    private static final int PER_MINUTE = 300; // 5 requests per second
    private static final double PER_SECOND = PER_MINUTE / 60.0;
    private static final String BURST = "1s"; // capacity: 5 requests
    private static final double CAPACITY = PER_SECOND * 1;
    private static final Duration WINDOW = Duration.ofSeconds(2);
    private static final long RUN_MILLIS = 6_000;
    private static final int JITTER = 2;

    @Test
    void twoProcessesTogetherStayUnderTheSharedBucket() {
        try (FakeProvider provider = FakeProvider.start();
                JavaProcess a = probe("A", provider);
                JavaProcess b = probe("B", provider)) {
            assertEquals(0, a.waitFor(Duration.ofSeconds(90)), a.logText());
            assertEquals(0, b.waitFor(Duration.ofSeconds(90)), b.logText());

            List<FakeProvider.Received> requests = provider.received().stream()
                    .filter(r -> !r.body().contains("warmup"))
                    .toList();
            long fromA =
                    requests.stream().filter(r -> r.body().contains("probe A")).count();
            long fromB =
                    requests.stream().filter(r -> r.body().contains("probe B")).count();
            assertTrue(fromA > 0 && fromB > 0, "both processes were served: A " + fromA + ", B " + fromB);
            assertTrue(
                    a.logText().contains("0 failures") && b.logText().contains("0 failures"),
                    a.logText() + b.logText());

            long[] arrivals = requests.stream()
                    .mapToLong(FakeProvider.Received::arrivedNanos)
                    .sorted()
                    .toArray();
            int busiest = busiestWindow(arrivals, WINDOW);
            // A token bucket admits at most capacity + rate x window in any window of grants; requests arrive a
            // little after their grant, so allow one request per process for that jitter.
            double bound = CAPACITY + PER_SECOND * WINDOW.toSeconds() + JITTER;
            assertTrue(
                    busiest <= bound,
                    "busiest " + WINDOW.toSeconds() + " s window had " + busiest
                            + " requests, the shared bucket allows " + bound + " (A " + fromA + ", B " + fromB + ")");
            double span = (arrivals[arrivals.length - 1] - arrivals[0]) / 1e9;
            assertTrue(
                    arrivals.length <= CAPACITY + PER_SECOND * span + JITTER,
                    arrivals.length + " requests in " + span + " s exceed the bucket");
        }
    }

    private static JavaProcess probe(String name, FakeProvider provider) {
        return JavaProcess.builder(RateLimitProbe.class)
                .arg(
                        redis.uri(),
                        provider.openAiBase().toString(),
                        name,
                        Long.toString(RUN_MILLIS),
                        Integer.toString(PER_MINUTE),
                        BURST,
                        "4")
                .jvmArg("-Xmx128m")
                .start();
    }

    private static int busiestWindow(long[] sortedNanos, Duration window) {
        int busiest = 0;
        int start = 0;
        long width = TimeUnit.NANOSECONDS.convert(window);
        for (int end = 0; end < sortedNanos.length; end++) {
            while (sortedNanos[end] - sortedNanos[start] >= width) {
                start++;
            }
            busiest = Math.max(busiest, end - start + 1);
        }
        return busiest;
    }
}
