package io.agentfleet.tools.bench;

import io.agentfleet.testsupport.RedisProcess;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import redis.clients.jedis.Jedis;

/** CPU seconds spent by the processes of a workload: where the time goes, printed next to the figures. */
final class ProcessCpu {
    private ProcessCpu() {}

    /** User + system CPU of a process from /proc (Linux), NaN elsewhere. */
    static double of(long pid) {
        try {
            return ticks(Files.readString(Path.of("/proc/" + pid + "/stat")));
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /**
     * User + system CPU of those threads of a process whose name starts with {@code namePrefix} (Linux; thread names
     * are cut to 15 characters there), e.g. the JIT compiler threads ("C1 CompilerThre", "C2 CompilerThre") or the
     * garbage collector's ("GC Thread#0"); NaN elsewhere.
     */
    static double ofThreads(long pid, String namePrefix) {
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            double total = 0;
            for (Path task : tasks.toList()) {
                try {
                    if (Files.readString(task.resolve("comm")).startsWith(namePrefix)) {
                        total += ticks(Files.readString(task.resolve("stat")));
                    }
                } catch (IOException e) {
                    // The thread ended meanwhile.
                }
            }
            return total;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Fields 14 and 15 of a /proc stat line (utime, stime), in clock ticks of 100 per second, as seconds. */
    private static double ticks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
    }

    /** Redis' own user + system CPU as it reports it. */
    static double of(RedisProcess redis) {
        try (Jedis jedis = new Jedis(redis.host(), redis.port())) {
            double total = 0;
            for (String line : jedis.info("cpu").split("\r?\n")) {
                if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
                    total += Double.parseDouble(
                            line.substring(line.indexOf(':') + 1).trim());
                }
            }
            return total;
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    /** The calling JVM's CPU so far, for a producer's RESULT line. */
    static double ofThisProcess() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() / 1e9
                : Double.NaN;
    }
}
