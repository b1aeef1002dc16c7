package io.jenkins.plugins.openaikeys.bench;

import io.jenkins.plugins.openaikeys.core.http.RetryPolicy;

/**
 * Runs every benchmark of docs/performance.md against the real core broker and the loopback
 * fakes, prints one {@code name: value} line per figure, and exits 1 when a target is missed
 * (2 when the benchmark itself broke), so that {@code mvn -Pbench verify} fails.
 */
public final class BenchMain {

    static final double OVERHEAD_TARGET_MS = 5.0;
    static final double CONCURRENCY_RATIO_TARGET = 1.2;

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        QuietLogs logs = QuietLogs.install();
        BenchConfig config = BenchConfig.fromSystemProperties();
        // System.out on purpose: the printed figures are this program's output, not log lines.
        Report report = new Report(System.out);
        boolean ok;
        try (Rig rig = new Rig()) {
            Environment.print(report, config);
            new Figures(rig, config, report, logs).all();
            ok = report.verdict();
        } catch (Exception | Error e) {
            report.info("benchmark.error", e.getClass().getName() + ": " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(ok ? 0 : 1);
    }

    /** The retry policy production uses (AdminApiKeySource's and VaultClient's default). */
    static RetryPolicy productionRetries() {
        return RetryPolicy.DEFAULT;
    }
}
