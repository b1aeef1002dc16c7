package io.jenkins.plugins.openaikeys.bench;

import io.jenkins.plugins.openaikeys.core.broker.KeyBroker;
import io.jenkins.plugins.openaikeys.core.broker.MintRequest;
import io.jenkins.plugins.openaikeys.core.broker.MintedKey;
import io.jenkins.plugins.openaikeys.core.broker.RevocationHandle;
import io.jenkins.plugins.openaikeys.core.http.RetryPolicy;
import io.jenkins.plugins.openaikeys.core.ledger.InMemoryRevocationLedger;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Figure 4: heap the plugin side retains per key while builds hold their keys — the
 * {@code MintedKey} (value, handle) plus the handle's ledger entry.
 *
 * <p>The fakes run in this JVM and remember every account they created, so "used heap after
 * minting minus before" would charge their bookkeeping to the plugin. Instead: mint
 * {@code n} adminApi keys and hold them, measure; then drop the keys and their ledger
 * entries — no request is made, so the fakes' state does not change — and measure again.
 * The difference is what the held keys retain. (The gross delta, fakes included, is
 * printed too.) Latency is irrelevant to heap, so this part runs without it.
 */
final class HeapRun {

    /** Bytes per key, net (plugin side) and gross (fakes included). */
    record Result(double netBytesPerKey, double grossBytesPerKey) {
    }

    private static final int THREADS = 8;

    private final Rig rig;

    HeapRun(Rig rig) {
        this.rig = rig;
    }

    Result run(int keys, int firstBuildNumber) throws Exception {
        InMemoryRevocationLedger ledger = new InMemoryRevocationLedger();
        KeyBroker broker = rig.freshBroker(ledger, RetryPolicy.DEFAULT);
        for (int i = 0; i < 20; i++) { // warm: login, config, JIT, connections
            Build.mintAndRevoke(broker, Rig.ADMIN_ROLE, firstBuildNumber + i);
        }
        long before = usedAfterGc();
        List<MintedKey> held = mint(broker, keys, firstBuildNumber + 20);
        long holding = usedAfterGc();

        held.clear();
        for (RevocationHandle h : ledger.pending()) {
            ledger.remove(h.id());
        }
        long released = usedAfterGc();
        return new Result((double) (holding - released) / keys, (double) (holding - before) / keys);
    }

    private static List<MintedKey> mint(KeyBroker broker, int keys, int firstBuildNumber) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<MintedKey>> futures = new ArrayList<>(keys);
            for (int i = 0; i < keys; i++) {
                String build = Integer.toString(firstBuildNumber + i);
                futures.add(pool.submit(() -> broker.mint(Rig.ADMIN_ROLE, new MintRequest("bench/heap", build))));
            }
            List<MintedKey> held = new ArrayList<>(keys);
            for (Future<MintedKey> f : futures) {
                held.add(f.get(60, TimeUnit.SECONDS));
            }
            return held;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Used heap after a few full collections, once it has settled. */
    static long usedAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
