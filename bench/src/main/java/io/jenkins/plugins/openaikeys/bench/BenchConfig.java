package io.jenkins.plugins.openaikeys.bench;

import java.time.Duration;

/**
 * What a benchmark run does, from system properties so that the Maven command line can
 * change it ({@code -Dbench.latencyMs=50}).
 *
 * @param latency      injected by both fakes into every answer (one simulated network round trip)
 * @param builds       sequential builds measured per source, and concurrent builds under the rate limit
 * @param warmup       sequential builds run before measuring, so the JIT has compiled the hot path
 * @param heapKeys     keys held at once for the heap figure
 * @param ratePerSecond the fake OpenAI's request rate limit
 * @param burst        its token-bucket size
 */
record BenchConfig(Duration latency, int builds, int warmup, int heapKeys, double ratePerSecond, int burst) {

    static BenchConfig fromSystemProperties() {
        return new BenchConfig(Duration.ofMillis(intProperty("bench.latencyMs", 20)), intProperty("bench.builds", 200),
                intProperty("bench.warmup", 30), intProperty("bench.heapKeys", 1000),
                intProperty("bench.ratePerSecond", 20), intProperty("bench.burst", 20));
    }

    private static int intProperty(String name, int fallback) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        int parsed = Integer.parseInt(v.trim());
        if (parsed < 0) {
            throw new IllegalArgumentException(name + " must not be negative");
        }
        return parsed;
    }
}
