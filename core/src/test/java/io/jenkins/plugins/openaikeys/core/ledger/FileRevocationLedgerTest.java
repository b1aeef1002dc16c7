package io.jenkins.plugins.openaikeys.core.ledger;

import io.jenkins.plugins.openaikeys.core.broker.RevocationHandle;
import io.jenkins.plugins.openaikeys.core.source.SourceKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileRevocationLedgerTest {

    @TempDir
    Path dir;

    private static RevocationHandle handle(String keyId) {
        return RevocationHandle.builder(SourceKind.ADMIN_API).organization("org1").role("evals")
                .projectId("proj_1").serviceAccountId("svc_acct_" + keyId).keyId(keyId)
                .expiresAt(Instant.parse("2026-11-22T13:00:00Z")).jobFullName("team/app").buildId("42").build();
    }

    @Test
    void survivesANewInstanceOverTheSameDirectory() {
        RevocationHandle a = handle("key_a");
        RevocationHandle b = handle("key_b");
        FileRevocationLedger first = new FileRevocationLedger(dir.resolve("ledger"));
        first.record(a);
        first.record(b);
        first.remove(a.id());

        FileRevocationLedger afterRestart = new FileRevocationLedger(dir.resolve("ledger"));
        assertThat(afterRestart.pending()).containsExactly(b);
        RevocationHandle restored = afterRestart.pending().iterator().next();
        assertThat(restored.keyId()).isEqualTo("key_b");
        assertThat(restored.serviceAccountId()).isEqualTo("svc_acct_key_b");
        assertThat(restored.expiresAt()).isEqualTo(Instant.parse("2026-11-22T13:00:00Z"));
    }

    @Test
    void recordIsIdempotentAndRemoveOfUnknownIdIsANoOp() {
        FileRevocationLedger ledger = new FileRevocationLedger(dir);
        RevocationHandle a = handle("key_a");
        ledger.record(a);
        ledger.record(a);
        ledger.remove("00000000-0000-0000-0000-000000000000");
        assertThat(ledger.pending()).containsExactly(a);
    }

    @Test
    void leavesNoTemporaryFilesBehind() throws Exception {
        FileRevocationLedger ledger = new FileRevocationLedger(dir);
        ledger.record(handle("key_a"));
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).allMatch(n -> n.endsWith(".handle"));
        }
    }

    @Test
    void aDamagedFileIsSetAsideAndDoesNotHideTheOthers() throws Exception {
        FileRevocationLedger ledger = new FileRevocationLedger(dir);
        RevocationHandle good = handle("key_good");
        ledger.record(good);
        Files.writeString(dir.resolve("0badc0de.handle"), "v=999&id=x", StandardCharsets.UTF_8);

        assertThat(ledger.pending()).containsExactly(good);
        assertThat(dir.resolve("0badc0de.handle.damaged")).exists();
        assertThat(dir.resolve("0badc0de.handle")).doesNotExist();
    }

    @Test
    void rejectsIdsThatCouldEscapeTheDirectory() {
        FileRevocationLedger ledger = new FileRevocationLedger(dir);
        assertThatThrownBy(() -> ledger.remove("../../etc/passwd")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void concurrentRecordsAndRemovesKeepExactlyTheSurvivors() throws Exception {
        FileRevocationLedger ledger = new FileRevocationLedger(dir);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<RevocationHandle> kept = new ArrayList<>();
        List<Future<?>> work = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            RevocationHandle h = handle("key_" + i);
            boolean keep = i % 3 == 0;
            if (keep) {
                kept.add(h);
            }
            work.add(pool.submit(() -> {
                ledger.record(h);
                if (!keep) {
                    ledger.remove(h.id());
                }
            }));
        }
        for (Future<?> f : work) {
            f.get();
        }
        pool.shutdown();
        assertThat(ledger.pending()).containsExactlyInAnyOrderElementsOf(kept);
    }
}
