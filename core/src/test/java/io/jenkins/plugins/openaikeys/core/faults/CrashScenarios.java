package io.jenkins.plugins.openaikeys.core.faults;

import io.jenkins.plugins.openaikeys.core.broker.BrokerException;
import io.jenkins.plugins.openaikeys.core.broker.MintedKey;
import io.jenkins.plugins.openaikeys.core.openai.fake.Endpoint;
import io.jenkins.plugins.openaikeys.core.openai.fake.Fault;
import io.jenkins.plugins.openaikeys.core.openai.fake.FakeServiceAccount;
import io.jenkins.plugins.openaikeys.core.sweep.SweepReport;

import java.time.Duration;
import java.util.List;

import static io.jenkins.plugins.openaikeys.core.faults.FaultWorld.ADMIN_ROLE;
import static io.jenkins.plugins.openaikeys.core.faults.FaultWorld.ENGINE_ROLE;
import static io.jenkins.plugins.openaikeys.core.faults.Faults.handleFiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The controller loses track of a key: the ledger write fails, or the process dies around it. */
final class CrashScenarios {

    private CrashScenarios() {
    }

    static List<FaultScenario> all() {
        return List.of(
                new FaultScenario("adminApi: ledger write fails after the create, the live broker deletes the account",
                        CrashScenarios::ledgerWriteFailsBrokerCompensates),
                new FaultScenario("vaultEngine: ledger write fails after creds, the live broker revokes the lease",
                        CrashScenarios::engineLedgerWriteFailsBrokerCompensates),
                new FaultScenario("adminApi: ledger write and compensating delete both fail, the sweeper deletes it",
                        CrashScenarios::ledgerWriteAndCompensationFailSweeperCleans),
                new FaultScenario("adminApi: controller dies between create and ledger write, the sweeper deletes it",
                        CrashScenarios::crashBetweenCreateAndLedgerWrite),
                new FaultScenario("adminApi: controller dies after the ledger write, a restarted broker replays it",
                        CrashScenarios::crashAfterLedgerWriteReplayedAfterRestart),
                new FaultScenario("vaultEngine: controller dies while the build runs, the restarted broker revokes"
                        + " the lost build's lease", CrashScenarios::engineRestartRevokesLostBuild));
    }

    /** Disk full at the ledger write: the broker must not hand out a key it cannot remember. */
    static void ledgerWriteFailsBrokerCompensates(FaultWorld w) {
        FaultWorld.Controller c = w.controller(Faults.diskFull(w.ledger()));

        BrokerException e = w.surfaced(catchThrowableOfType(() -> w.mint(c.broker(), ADMIN_ROLE, "1"),
                BrokerException.class));

        FakeServiceAccount created = only(w.openai.everyServiceAccount());
        assertThat(e).hasMessageContaining("revoked at once");
        assertThat(w.openai.calls(Endpoint.DELETE_SERVICE_ACCOUNT)).isEqualTo(1);
        assertThat(w.liveManagedAccounts()).isEmpty();
        w.assertReportedOnce(created);
    }

    static void engineLedgerWriteFailsBrokerCompensates(FaultWorld w) {
        FaultWorld.Controller c = w.controller(Faults.diskFull(w.ledger()));

        BrokerException e = w.surfaced(catchThrowableOfType(() -> w.mint(c.broker(), ENGINE_ROLE, "1"),
                BrokerException.class));

        FakeServiceAccount created = only(w.openai.everyServiceAccount());
        assertThat(e).hasMessageContaining("revoked at once");
        assertThat(w.vault.calls("PUT sys/leases/revoke")).isEqualTo(1);
        assertThat(w.engine.deletedServiceAccounts()).containsExactly(created.id());
        w.assertReportedOnce(created);
    }

    /**
     * Disk full and OpenAI failing: the key cannot be remembered nor destroyed. The broker says
     * so once, with ids; the account's name carries its expiry, so the sweeper gets it later.
     */
    static void ledgerWriteAndCompensationFailSweeperCleans(FaultWorld w) {
        FaultWorld.Controller c = w.controller(Faults.diskFull(w.ledger()));
        w.openai.inject(Endpoint.DELETE_SERVICE_ACCOUNT, Fault.status(503).times(FaultWorld.RETRIES.maxAttempts()));

        BrokerException e = w.surfaced(catchThrowableOfType(() -> w.mint(c.broker(), ADMIN_ROLE, "1"),
                BrokerException.class));

        FakeServiceAccount orphan = only(w.liveManagedAccounts());
        assertThat(e).hasMessageContaining("delete it by hand").hasMessageContaining(orphan.id());
        w.assertReportedOnce(orphan);

        sweepAfterExpiry(w, orphan);
    }

    /** The process dies after OpenAI created the account and before the handle reached disk. */
    static void crashBetweenCreateAndLedgerWrite(FaultWorld w) {
        FaultWorld.Controller dying = w.controller(Faults.crashOnRecord(w.ledger()));
        assertThatThrownBy(() -> w.mint(dying.broker(), ADMIN_ROLE, "1")).isInstanceOf(Faults.SimulatedCrash.class);
        FakeServiceAccount orphan = only(w.liveManagedAccounts());

        FaultWorld.Controller restarted = w.controller();
        assertThat(restarted.broker().retryPending()).as("the ledger never heard of it").isZero();

        sweepAfterExpiry(w, orphan);
    }

    /** Before expiry + grace the sweeper leaves the account alone; after, it deletes exactly it. */
    private static void sweepAfterExpiry(FaultWorld w, FakeServiceAccount orphan) {
        long now = w.time.instant().getEpochSecond();
        w.project.addServiceAccount("deploy-bot");
        w.project.addServiceAccount("ci2-evals-team_app-1-" + (now - 7200) + "-zz99");

        assertThat(w.sweep().swept()).as("swept before expiry + grace").isEmpty();
        w.time.advance(FaultWorld.TTL.plus(FaultWorld.SWEEP_GRACE).plus(Duration.ofMinutes(1)));
        SweepReport report = w.sweep();

        assertThat(report.failures()).isEmpty();
        assertThat(report.swept()).extracting(SweepReport.SweptAccount::serviceAccountId)
                .containsExactly(orphan.id());
        assertThat(w.openai.allLiveServiceAccounts()).extracting(FakeServiceAccount::name)
                .as("other people's accounts survive").hasSize(2).doesNotContain(orphan.name());
    }

    /**
     * The handle is on disk, then the controller dies. After the restart the new broker leaves
     * it alone while the key may still be in use, and revokes it once it has expired.
     */
    static void crashAfterLedgerWriteReplayedAfterRestart(FaultWorld w) {
        MintedKey key = w.mint(w.controller().broker(), ADMIN_ROLE, "1");
        assertThat(handleFiles(w)).hasSize(1);
        // crash: the first controller is gone without revoking

        FaultWorld.Controller restarted = w.controller();
        assertThat(restarted.broker().retryPending()).as("not expired yet").isZero();
        assertThat(w.openai.isLiveKey(key.value())).isTrue();

        w.time.advance(FaultWorld.TTL.plusSeconds(1));
        assertThat(restarted.broker().retryPending()).isEqualTo(1);

        assertThat(handleFiles(w)).isEmpty();
        assertThat(w.openai.isLiveKey(key.value())).isFalse();
        assertThat(Faults.succeeded(w.openai, Endpoint.DELETE_SERVICE_ACCOUNT)).isEqualTo(1);
        assertThat(w.controller().broker().retryPending()).as("a second restart finds nothing").isZero();
    }

    /** The plugin learns after a restart that build 7 is gone: its key is revoked at once, before expiry. */
    static void engineRestartRevokesLostBuild(FaultWorld w) {
        MintedKey lost = w.mint(w.controller().broker(), ENGINE_ROLE, "7");
        MintedKey running = w.mint(w.controller().broker(), ENGINE_ROLE, "8");

        FaultWorld.Controller restarted = w.controller();
        int revoked = restarted.broker().revokeMatching(h -> h.buildId().equals("7"));

        assertThat(revoked).isEqualTo(1);
        assertThat(w.liveLeases()).containsExactly(running.leaseId());
        assertThat(w.openai.isLiveKey(lost.value())).isFalse();
        assertThat(handleFiles(w)).hasSize(1);

        restarted.broker().revoke(running.handle()); // build 8 ends normally
        assertThat(handleFiles(w)).isEmpty();
    }

    static <T> T only(List<T> list) {
        assertThat(list).hasSize(1);
        return list.get(0);
    }
}
