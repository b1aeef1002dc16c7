package io.jenkins.plugins.openaikeys.bench;

import io.jenkins.plugins.openaikeys.core.broker.KeyBroker;
import io.jenkins.plugins.openaikeys.core.http.RetryPolicy;
import io.jenkins.plugins.openaikeys.core.ledger.InMemoryRevocationLedger;

import java.util.Arrays;

/**
 * Figures 1 and 2 for one source: round trips of the cold first build and of steady-state
 * builds (from the fakes' call logs), and the local overhead — the median mint+revoke wall
 * time minus the time the round trips must take, {@code round trips × L}.
 *
 * <p>Round trips are the plugin's own requests; the calls Vault's engine makes to OpenAI are
 * counted apart and are Vault's server time (see {@link Rig}).
 */
final class SequentialRun {

    /** What one source's sequential run measured. */
    record Result(CallCounts cold, double steadyOpenAi, double steadyVault, double steadyByVaultEngine,
                  double medianMillis, double overheadMillis, int leftovers, int steadyBuilds, long steadyNanos) {
    }

    private final Rig rig;
    private final BenchConfig config;

    SequentialRun(Rig rig, BenchConfig config) {
        this.rig = rig;
        this.config = config;
    }

    Result run(String role, int firstBuildNumber) {
        InMemoryRevocationLedger ledger = new InMemoryRevocationLedger();
        KeyBroker broker = rig.freshBroker(ledger, RetryPolicy.DEFAULT);
        int n = firstBuildNumber;

        CallCounts before = CallCounts.of(rig);
        Build.mintAndRevoke(broker, role, n++);
        CallCounts cold = CallCounts.of(rig).minus(before);

        for (int i = 0; i < config.warmup(); i++) {
            Build.mintAndRevoke(broker, role, n++);
        }

        long[] nanos = new long[config.builds()];
        long started = System.nanoTime();
        before = CallCounts.of(rig);
        for (int i = 0; i < nanos.length; i++) {
            nanos[i] = Build.mintAndRevoke(broker, role, n++);
        }
        CallCounts steady = CallCounts.of(rig).minus(before);
        long steadyNanos = System.nanoTime() - started;

        double openAi = (double) steady.openai() / nanos.length;
        double vault = (double) steady.vault() / nanos.length;
        double byEngine = (double) steady.byVaultEngine() / nanos.length;
        double median = median(nanos) / 1e6;
        double overhead = median - (openAi + vault) * config.latency().toNanos() / 1e6;
        return new Result(cold, openAi, vault, byEngine, median, overhead, ledger.pending().size() + rig.liveLeftovers(),
                nanos.length, steadyNanos);
    }

    static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;
    }
}
