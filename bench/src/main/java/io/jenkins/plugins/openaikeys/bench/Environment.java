package io.jenkins.plugins.openaikeys.bench;

import java.lang.management.ManagementFactory;

/** The machine and settings a run's figures belong to. */
final class Environment {

    private Environment() {
    }

    static void print(Report report, BenchConfig c) {
        Runtime rt = Runtime.getRuntime();
        report.section("environment");
        report.info("env.cores", rt.availableProcessors());
        report.info("env.jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        report.info("env.os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        report.info("env.maxHeapMiB", rt.maxMemory() / (1024 * 1024));
        report.info("env.physicalMemoryGiB", physicalGiB());
        report.info("env.latencyMs", c.latency().toMillis());
        report.info("env.builds", c.builds());
        report.info("env.warmupBuilds", c.warmup());
        report.info("env.rateLimit", c.ratePerSecond() + "/s burst " + c.burst());
    }

    private static String physicalGiB() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return Long.toString(Math.round(os.getTotalMemorySize() / (1024.0 * 1024 * 1024)));
        }
        return "unknown";
    }
}
