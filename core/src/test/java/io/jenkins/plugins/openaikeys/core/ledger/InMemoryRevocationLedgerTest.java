package io.jenkins.plugins.openaikeys.core.ledger;

import io.jenkins.plugins.openaikeys.core.broker.RevocationHandle;
import io.jenkins.plugins.openaikeys.core.broker.RevocationHandleTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class InMemoryRevocationLedgerTest {

    @Test
    void recordsInOrderRemovesByIdAndSnapshots() {
        InMemoryRevocationLedger ledger = new InMemoryRevocationLedger();
        RevocationHandle a = RevocationHandleTest.adminHandle();
        RevocationHandle b = RevocationHandleTest.engineHandle();
        ledger.record(a);
        ledger.record(b);
        ledger.record(a); // idempotent
        var snapshot = ledger.pending();
        assertThat(snapshot).containsExactly(a, b);
        ledger.remove(a.id());
        ledger.remove("unknown");
        assertThat(ledger.pending()).containsExactly(b);
        assertThat(snapshot).containsExactly(a, b);
    }

    @Test
    void concurrentRecordAndRemoveLoseNothing() throws Exception {
        InMemoryRevocationLedger ledger = new InMemoryRevocationLedger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<RevocationHandle>> kept = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                int n = i;
                kept.add(pool.submit(() -> {
                    RevocationHandle h = RevocationHandleTest.adminHandle();
                    ledger.record(h);
                    ledger.pending();
                    if (n % 2 == 0) {
                        ledger.remove(h.id());
                        return null;
                    }
                    return h;
                }));
            }
            List<RevocationHandle> expected = new ArrayList<>();
            for (Future<RevocationHandle> f : kept) {
                RevocationHandle h = f.get();
                if (h != null) {
                    expected.add(h);
                }
            }
            assertThat(ledger.pending()).hasSize(1000).containsExactlyInAnyOrderElementsOf(expected);
        } finally {
            pool.shutdownNow();
        }
    }
}
