package io.agentfleet.tools.bench;

import java.util.List;
import java.util.Map;

/** The headline lines under the bench table: ratios that the per-figure rows do not show. */
final class BenchSummary {
    private BenchSummary() {}

    static void print(Map<String, List<Figures>> results) {
        cluster(results);
        clusterLatency(results);
        startup(results, "W6", "consuming");
        startup(results, "W6-orch", "ready");
        workflowAot(results);
        PeerBench.ratios(results).forEach(System.out::println);
    }

    /** W6's headline: start → consuming (worker) or ready (orchestrator), with the AOT cache and without. */
    private static void startup(Map<String, List<Figures>> results, String workload, String what) {
        List<Figures> runs = results.get(workload);
        if (runs == null) {
            return;
        }
        double withCache = BenchTable.median(runs, what + "_ms");
        double without = BenchTable.median(runs, "no_aot_" + what + "_ms");
        System.out.printf(
                "%s (median of %d starts each): start → %s %s ms (%s CPU s) with the AOT cache, %s ms (%s CPU s)"
                        + " without; with ÷ without = %s%n",
                workload,
                runs.size(),
                what,
                BenchTable.fmt(withCache),
                BenchTable.medianText(runs, what + "_cpu_s"),
                BenchTable.fmt(without),
                BenchTable.medianText(runs, "no_aot_" + what + "_cpu_s"),
                BenchTable.fmt(withCache / without));
    }

    /** W3's headline: the orchestrator's CPU per chain task with the AOT caches and without (runs without: none). */
    private static void workflowAot(Map<String, List<Figures>> results) {
        List<Figures> runs = results.get("W3");
        if (runs == null || !runs.get(0).values().containsKey("no_aot_orchestrator_cpu_ms_per_task_chain")) {
            return;
        }
        double withCache = BenchTable.median(runs, "orchestrator_cpu_ms_per_task_chain");
        double without = BenchTable.median(runs, "no_aot_orchestrator_cpu_ms_per_task_chain");
        System.out.printf(
                "W3 (median of %d runs each): orchestrator CPU per chain task %s ms with the AOT caches, %s ms without;"
                        + " with ÷ without = %s%n",
                runs.size(), BenchTable.fmt(withCache), BenchTable.fmt(without), BenchTable.fmt(withCache / without));
    }

    /** W5-lat's headline: what WAIT 1 adds to a task's enqueue-to-result latency on the cluster. */
    private static void clusterLatency(Map<String, List<Figures>> results) {
        List<Figures> runs = results.get("W5-lat");
        if (runs == null) {
            return;
        }
        System.out.printf(
                "W5-lat (median): cluster p50 %s ms, p99 %s ms; with WAIT 1 p50 %s ms, p99 %s ms; WAIT 1 ÷ cluster:"
                        + " p50 %s, p99 %s cold, p50 %s, p99 %s warm%n",
                BenchTable.medianText(runs, "b_cluster_p50_ms"),
                BenchTable.medianText(runs, "b_cluster_p99_ms"),
                BenchTable.medianText(runs, "c_cluster_wait1_p50_ms"),
                BenchTable.medianText(runs, "c_cluster_wait1_p99_ms"),
                BenchTable.medianText(runs, "ratio_wait1_vs_cluster_p50"),
                BenchTable.medianText(runs, "ratio_wait1_vs_cluster_p99"),
                BenchTable.medianText(runs, "ratio_warm_wait1_vs_cluster_p50"),
                BenchTable.medianText(runs, "ratio_warm_wait1_vs_cluster_p99"));
    }

    /** W5's headline: the ratios against the target (cluster ≥ 0.8× one node) and the durability setting's cost. */
    private static void cluster(Map<String, List<Figures>> results) {
        List<Figures> runs = results.get("W5");
        if (runs == null) {
            return;
        }
        System.out.printf(
                "W5: cluster ÷ one node (median) = %s cold, %s warm (target ≥ 0.8); with WAIT 1: %s cold, %s warm of"
                        + " the cluster without it; Redis CPU per task: one node %s µs, cluster primaries %s µs"
                        + " (sum), replicas %s µs (sum); a cluster without replicas ÷ one node: %s cold, %s warm%n",
                BenchTable.medianText(runs, "ratio_cluster_vs_one_node"),
                BenchTable.medianText(runs, "ratio_warm_cluster_vs_one_node"),
                BenchTable.medianText(runs, "ratio_wait1_vs_cluster"),
                BenchTable.medianText(runs, "ratio_warm_wait1_vs_cluster"),
                BenchTable.medianText(runs, "a_one_node_redis_us_per_task"),
                BenchTable.medianText(runs, "b_cluster_redis_us_per_task_primaries_sum"),
                BenchTable.medianText(runs, "b_cluster_redis_us_per_task_replicas_sum"),
                BenchTable.medianText(runs, "ratio_no_replicas_cluster_vs_one_node"),
                BenchTable.medianText(runs, "ratio_warm_no_replicas_cluster_vs_one_node"));
    }
}
