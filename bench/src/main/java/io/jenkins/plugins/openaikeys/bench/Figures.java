package io.jenkins.plugins.openaikeys.bench;

import io.jenkins.plugins.openaikeys.core.source.AdminConfigCache;

/**
 * Runs the four measurements in order and turns each result into report lines with their
 * targets (docs/performance.md explains each one).
 */
final class Figures {

    private final Rig rig;
    private final BenchConfig config;
    private final Report report;
    private final QuietLogs logs;
    private double bareRoundTripMs;

    Figures(Rig rig, BenchConfig config, Report report, QuietLogs logs) {
        this.rig = rig;
        this.config = config;
        this.report = report;
        this.logs = logs;
    }

    void all() throws Exception {
        rig.latency(config.latency());
        report.section("calibration: one bare request (plain OkHttp, no plugin code) with latency L");
        bareRoundTripMs = BareRoundTrip.medianMillis(rig, config.warmup(), config.builds());
        report.info("calibration.bareRoundTripMs", bareRoundTripMs);
        sequential("adminApi", Rig.ADMIN_ROLE, 1, 2, 0);
        sequential("vaultEngine", Rig.ENGINE_ROLE, 100_001, 0, 2);
        sequential("litellmProxy", Rig.PROXY_ROLE, 400_001, 2, 0);
        sequential("litellmEngine", Rig.LITELLM_ENGINE_ROLE, 500_001, 0, 2);
        concurrent();
        rig.latency(java.time.Duration.ZERO);
        heap();
    }

    private void sequential(String source, String role, int firstBuild, int openAiTarget, int vaultTarget) {
        report.section(source + ": round trips and local overhead (" + config.builds() + " sequential builds)");
        SequentialRun.Result r = new SequentialRun(rig, config).run(role, firstBuild);
        report.info(source + ".cold.openaiCalls", r.cold().openai());
        report.info(source + ".cold.vaultCalls", r.cold().vault());
        // adminApi re-reads its admin config once per AdminConfigCache.DEFAULT_MAX_AGE (the kill-switch
        // bound): a run longer than that may see one KV read per started period, never one per build.
        boolean kvCached = source.equals("adminApi") || source.equals("litellmProxy");
        long periods = kvCached
                ? -Math.floorDiv(-r.steadyNanos(), AdminConfigCache.DEFAULT_MAX_AGE.toNanos()) : 0;
        double vaultCalls = r.steadyVault() * r.steadyBuilds();
        boolean clientTarget = r.steadyOpenAi() == openAiTarget
                && vaultCalls >= vaultTarget * r.steadyBuilds() && vaultCalls <= vaultTarget * r.steadyBuilds() + periods;
        report.info(source + ".steady.openaiCallsPerBuild", r.steadyOpenAi());
        if (source.equals("vaultEngine") || source.equals("litellmEngine")) {
            report.info(source + ".steady.openaiCallsPerBuildByVaultsEngine", r.steadyByVaultEngine());
        }
        report.target(source + ".steady.vaultCallsPerBuild", r.steadyVault(),
                source.equals("adminApi") ? "2 OpenAI + 0 Vault (+1 KV read per 30 s)"
                        : source.equals("litellmProxy") ? "2 proxy + 0 Vault (+1 KV read per 30 s)" : "0 OpenAI + 2 Vault",
                clientTarget);
        report.info(source + ".median.mintPlusRevokeMs", r.medianMillis());
        report.target(source + ".overheadMs", r.overheadMillis(), "< " + BenchMain.OVERHEAD_TARGET_MS + " ms",
                r.overheadMillis() < BenchMain.OVERHEAD_TARGET_MS && r.overheadMillis() > -1.0);
        double roundTrips = r.steadyOpenAi() + r.steadyVault();
        report.info(source + ".overheadBeyondBareRoundTripsMs", r.medianMillis() - roundTrips * bareRoundTripMs);
        report.target(source + ".leftovers", r.leftovers(), "0", r.leftovers() == 0);
        report.info(source + ".warningsLogged", logs.takeWarnings());
    }

    private void concurrent() throws InterruptedException {
        report.section("adminApi: " + config.builds() + " concurrent builds, OpenAI limited to "
                + config.ratePerSecond() + " requests/s");
        ConcurrentRun.Result r = new ConcurrentRun(rig, config).run(BenchMain.productionRetries(), 200_001);
        double success = 100.0 * r.succeeded() / r.builds();
        double ratio = r.seconds() / r.floorSeconds();
        report.target("concurrency.successPercent", success, "100", r.succeeded() == r.builds());
        report.info("concurrency.seconds", r.seconds());
        report.info("concurrency.floorSeconds", r.floorSeconds());
        report.target("concurrency.ratioToFloor", ratio, "<= " + BenchMain.CONCURRENCY_RATIO_TARGET,
                ratio <= BenchMain.CONCURRENCY_RATIO_TARGET);
        report.info("concurrency.requestsServed", r.successfulRequests());
        report.info("concurrency.requestsRateLimited429", r.rateLimited());
        report.target("concurrency.leftovers", r.leftovers(), "0", r.leftovers() == 0);
        report.info("concurrency.warningsLogged", logs.takeWarnings());
        if (r.firstFailure() != null) {
            report.info("concurrency.firstFailure", r.firstFailure());
        }
    }

    private void heap() throws Exception {
        report.section("heap: " + config.heapKeys() + " adminApi keys held at once");
        HeapRun.Result r = new HeapRun(rig).run(config.heapKeys(), 300_001);
        report.info("heap.bytesPerHeldKey", Math.round(r.netBytesPerKey()));
        report.info("heap.grossBytesPerKeyIncludingFakes", Math.round(r.grossBytesPerKey()));
    }
}
