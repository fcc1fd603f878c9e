package io.agentfleet.tools.bench;

import java.util.List;
import java.util.Map;

/** The results table of {@link BenchMain}: median, min and max of every figure of every workload. */
final class BenchTable {
    private BenchTable() {}

    static void print(Map<String, List<Figures>> results) {
        System.out.println();
        System.out.println("| workload | figure | median | min | max |");
        System.out.println("|---|---|---|---|---|");
        results.forEach((workload, runs) -> {
            for (String key : runs.get(0).values().keySet().stream().sorted().toList()) {
                double[] v = runs.stream()
                        .mapToDouble(f -> f.values().getOrDefault(key, Double.NaN))
                        .sorted()
                        .toArray();
                System.out.printf(
                        "| %s | %s | %s | %s | %s |%n",
                        workload, key, fmt(v[v.length / 2]), fmt(v[0]), fmt(v[v.length - 1]));
            }
        });
        double ceiling = results.containsKey("ceiling")
                ? results.get("ceiling").get(0).values().get("xadd_per_s")
                : Double.NaN;
        if (results.containsKey("W1") && !Double.isNaN(ceiling)) {
            double e2e = median(results.get("W1"), "end_to_end_per_s");
            System.out.printf("W1 end to end (median) = %.1f%% of the XADD ceiling%n", 100 * e2e / ceiling);
        }
        BenchSummary.print(results);
    }

    static double median(List<Figures> runs, String key) {
        double[] v = runs.stream()
                .mapToDouble(f -> f.values().getOrDefault(key, Double.NaN))
                .sorted()
                .toArray();
        return v[v.length / 2];
    }

    /** The median of {@code key} over {@code runs}, formatted as the table prints it. */
    static String medianText(List<Figures> runs, String key) {
        return fmt(median(runs, key));
    }

    static String fmt(double v) {
        return Double.isNaN(v) ? "-" : v >= 100 ? String.format("%.0f", v) : String.format("%.2f", v);
    }
}
