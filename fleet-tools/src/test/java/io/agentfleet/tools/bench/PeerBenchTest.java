package io.agentfleet.tools.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The peers' RESULT lines and the ratios printed from them (running the peers needs Node and npm packages). */
class PeerBenchTest {

    @Test
    void resultLineOfAPeerScriptBecomesItsFigures() throws Exception {
        Figures figures = PeerBench.parse(
                "redis ready\nRESULT {\"enqueue_per_s\":18162,\"e2e_per_s\":15808.5,\"note\":\"x\"}\n", "w1-bullmq.js");

        assertEquals(Map.of("enqueue_per_s", 18162.0, "e2e_per_s", 15808.5), figures.values());
    }

    @Test
    void scriptWithoutAResultLineIsAnError() {
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> PeerBench.parse("Error: ECONNREFUSED\n", "w1-bare.js"));

        assertTrue(e.getMessage().contains("w1-bare.js"), e.getMessage());
    }

    @Test
    void ratiosAreOfTheMediansOfAgentFleetsColdRoundAndEachPeer() {
        Map<String, List<Figures>> results = Map.of(
                "W1",
                List.of(w1(30_000, 40_000), w1(36_000, 50_000), w1(33_000, 45_000)),
                "W1 bullmq",
                List.of(peer(10_000, 15_000), peer(12_000, 18_000), peer(11_000, 20_000)),
                "W1-lat",
                List.of(new Figures(Map.of("p50_ms", 0.2, "p99_ms", 3.0))),
                "W1-lat bare",
                List.of(new Figures(Map.of("p50_ms", 0.1, "p99_ms", 2.0))));

        List<String> lines = PeerBench.ratios(results);

        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("W1: AgentFleet ÷ bullmq"), lines.get(0));
        assertTrue(lines.get(0).contains("end_to_end_per_s 33000 ÷ 11000 = 3.00"), lines.get(0));
        assertTrue(lines.get(0).contains("enqueue_per_s 45000 ÷ 18000 = 2.50"), lines.get(0));
        assertTrue(lines.get(1).contains("p99_ms 3.00 ÷ 2.00 = 1.50"), lines.get(1));
    }

    private static Figures w1(double endToEnd, double enqueue) {
        return new Figures(Map.of("end_to_end_per_s", endToEnd, "enqueue_per_s", enqueue));
    }

    private static Figures peer(double endToEnd, double enqueue) {
        return new Figures(Map.of("e2e_per_s", endToEnd, "enqueue_per_s", enqueue));
    }
}
