package io.jenkins.plugins.openaikeys.core.faults;

import io.jenkins.plugins.openaikeys.core.broker.MintedKey;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The audit and the tally catch planted leaks: the fault matrix can fail. */
class LeakAuditTest {

    @Test
    void countsOccurrencesTimesLengthByteWise() {
        byte[] hay = "xxsecret-1234yysecret-1234secret-12".getBytes(StandardCharsets.UTF_8);
        assertThat(LeakAudit.occurrences(hay, "secret-1234".getBytes(StandardCharsets.UTF_8))).isEqualTo(2);
        assertThat(LeakAudit.occurrences(hay, "absent-value".getBytes(StandardCharsets.UTF_8))).isZero();
        assertThat(LeakAudit.occurrences("aaaa".getBytes(StandardCharsets.UTF_8),
                "aa".getBytes(StandardCharsets.UTF_8))).isEqualTo(2);

        List<String> findings = new ArrayList<>();
        long bytes = LeakAudit.leakedBytes(List.of("secret-1234", "other-secret"),
                Map.of("log", hay, "file", "other-secret".getBytes(StandardCharsets.UTF_8)), findings);
        assertThat(bytes).isEqualTo(2 * 11 + 12);
        assertThat(findings).hasSize(2).noneMatch(f -> f.contains("secret-1234") || f.contains("other-secret"));
    }

    @Test
    void refusesSecretsTooShortToSearchFor() {
        assertThatThrownBy(() -> LeakAudit.leakedBytes(List.of("abc"), Map.of(), new ArrayList<>()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void findsAPlantedLiveKeyLeaseLogLineFileDeletedFileAndMessage() throws Exception {
        try (FaultWorld w = new FaultWorld()) {
            FaultWorld.Controller c = w.controller();
            MintedKey account = w.mint(c.broker(), FaultWorld.ADMIN_ROLE, "1");
            MintedKey lease = w.mint(c.broker(), FaultWorld.ENGINE_ROLE, "2");
            String value = account.value().reveal();
            Logger.getLogger("io.jenkins.plugins.openaikeys.core.faults.Planted").log(Level.FINE, "key {0}", value);
            Files.writeString(w.root().resolve("stray.txt"), value + value, StandardCharsets.UTF_8);
            Files.writeString(w.root().resolve("gone.txt"), value, StandardCharsets.UTF_8);
            w.snapshotFiles(); // both files, once more each
            Files.delete(w.root().resolve("gone.txt"));
            w.surfaced(new IllegalStateException("wrapped", new RuntimeException("admin " + w.org.adminKey().reveal())));

            LeakAudit.Result r = LeakAudit.audit(w);

            assertThat(r.liveAccounts()).as("the adminApi account and the engine's").isEqualTo(2);
            assertThat(r.liveLeases()).isEqualTo(1);
            assertThat(r.leakedKeys()).isEqualTo(3);
            // the log line holds the value in the raw parameter and in the formatted message
            long logBytes = 2L * value.length();
            assertThat(r.leakedSecretBytes())
                    .isEqualTo(logBytes + 2L * value.length() + (2L + 1L) * value.length()
                            + w.org.adminKey().reveal().length());
            assertThat(r.clean()).isFalse();

            c.broker().revoke(account.handle());
            c.broker().revoke(lease.handle());
            assertThat(LeakAudit.audit(w).leakedKeys()).isZero();
        }
    }

    @Test
    void aCleanWorldAuditsClean() {
        try (FaultWorld w = new FaultWorld()) {
            FaultWorld.Controller c = w.controller();
            MintedKey key = w.mint(c.broker(), FaultWorld.ADMIN_ROLE, "1");
            c.broker().revoke(key.handle());

            LeakAudit.Result r = LeakAudit.audit(w);

            assertThat(r.findings()).isEmpty();
            assertThat(w.secrets()).as("key, admin key, secret_id and the Vault token were all looked for")
                    .contains(key.value().reveal(), w.org.adminKey().reveal(), FaultWorld.SECRET_ID)
                    .anyMatch(s -> s.startsWith("hvs."));
        }
    }

    @Test
    void tallyFailsOnAPlantedLeakOrAMissingScenario() {
        FaultTally leaky = new FaultTally();
        leaky.add("clean", new LeakAudit.Result(0, 0, 0, List.of()), true);
        leaky.add("leaky", new LeakAudit.Result(1, 0, 51, List.of("live service account svc_acct_1")), true);
        assertThat(leaky.line()).isEqualTo("fault scenarios: 2, leaked keys: 1, leaked secret bytes: 51");
        assertThatThrownBy(leaky::verify).isInstanceOf(AssertionError.class).hasMessageContaining("svc_acct_1");

        FaultTally unfinished = new FaultTally();
        unfinished.add("clean", new LeakAudit.Result(0, 0, 0, List.of()), true);
        unfinished.add("failed half-way", new LeakAudit.Result(0, 0, 0, List.of()), false);
        assertThatThrownBy(unfinished::verify).hasMessageContaining("only 1 of 2");

        FaultTally good = new FaultTally();
        good.add("clean", new LeakAudit.Result(0, 0, 0, List.of()), true);
        good.verify(); // one scenario run alone is a whole result
        assertThat(good.line()).isEqualTo("fault scenarios: 1, leaked keys: 0, leaked secret bytes: 0");
        assertThatThrownBy(new FaultTally()::verify).hasMessageContaining("no fault scenario ran");
    }
}
