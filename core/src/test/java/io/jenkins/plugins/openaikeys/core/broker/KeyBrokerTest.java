package io.jenkins.plugins.openaikeys.core.broker;

import io.jenkins.plugins.openaikeys.core.EphemeralKeyException;
import io.jenkins.plugins.openaikeys.core.ledger.FileRevocationLedger;
import io.jenkins.plugins.openaikeys.core.ledger.InMemoryRevocationLedger;
import io.jenkins.plugins.openaikeys.core.ledger.RevocationLedger;
import io.jenkins.plugins.openaikeys.core.policy.Role;
import io.jenkins.plugins.openaikeys.core.policy.Roles;
import io.jenkins.plugins.openaikeys.core.policy.ServiceAccountNames;
import io.jenkins.plugins.openaikeys.core.source.KeySource;
import io.jenkins.plugins.openaikeys.core.source.SourceKind;
import io.jenkins.plugins.openaikeys.core.testing.AllAtOnce;
import io.jenkins.plugins.openaikeys.core.testing.CapturedLog;
import io.jenkins.plugins.openaikeys.core.testing.FakeTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyBrokerTest {

    private static final Duration M30 = Duration.ofMinutes(30);
    private static final Duration H1 = Duration.ofHours(1);

    private final FakeTime time = new FakeTime();
    private final ScriptedKeySource main = new ScriptedKeySource(time);
    private final ScriptedKeySource vault = new ScriptedKeySource(SourceKind.VAULT_ENGINE, time);
    private final InMemoryRevocationLedger ledger = new InMemoryRevocationLedger();
    private final MintRequest build42 = new MintRequest("team/app", "42");
    private Map<String, Role> roles;
    private KeyBroker broker;
    private CapturedLog log;

    @BeforeEach
    void setUp() {
        roles = new LinkedHashMap<>();
        roles.put("evals", Roles.adminApi("evals", "main", "proj_1", M30, H1));
        roles.put("ingest", Roles.engine("ingest", "vaulted", "ingest-role", M30, H1));
        roles.put("deploy", Roles.adminApi("deploy", "main", "proj_2", M30, H1, "team/*", "ops/**"));
        roles.put("orphan", Roles.adminApi("orphan", "gone", "proj_3", M30, H1));
        broker = newBroker(ledger);
        log = CapturedLog.of(KeyBroker.class);
    }

    @AfterEach
    void noSecretEverLogged() {
        log.close();
        String text = log.text();
        for (String value : main.issuedValues()) {
            assertThat(text).doesNotContain(value);
        }
        for (String value : vault.issuedValues()) {
            assertThat(text).doesNotContain(value);
        }
    }

    private KeyBroker newBroker(RevocationLedger l) {
        return new KeyBroker(roles, Map.of("main", main, "vaulted", vault), l, time);
    }

    // ---- mint -------------------------------------------------------------------------

    @Test
    void mintUsesRoleDefaultsAndRecordsTheHandleBeforeReturning() {
        MintedKey key = broker.mint("evals", build42);

        assertThat(ledger.pending()).containsExactly(key.handle());
        assertThat(main.ttls()).containsExactly(M30);
        assertThat(key.expiresAt()).isEqualTo(time.instant().plus(M30));
        assertThat(key.projectId()).isEqualTo("proj_1");
        RevocationHandle h = key.handle();
        assertThat(h.role()).isEqualTo("evals");
        assertThat(h.organization()).isEqualTo("main");
        assertThat(h.jobFullName()).isEqualTo("team/app");
        assertThat(h.buildId()).isEqualTo("42");
        String name = main.names().get(0);
        assertThat(name).startsWith("jk-evals-team_app-42-" + time.instant().plus(M30).getEpochSecond() + "-");
        assertThat(ServiceAccountNames.parse(name).orElseThrow().expiresAt()).isEqualTo(time.instant().plus(M30));
        assertThat(vault.mintCalls()).isZero();
    }

    @Test
    void mintRecordsBeforeReturningEvenWhenTheLedgerIsWatched() {
        AtomicBoolean recordedBeforeReturn = new AtomicBoolean();
        RevocationLedger watching = new RevocationLedger() {
            @Override
            public void record(RevocationHandle h) {
                recordedBeforeReturn.set(main.live().contains(h.id()));
                ledger.record(h);
            }

            @Override
            public void remove(String handleId) {
                ledger.remove(handleId);
            }

            @Override
            public Collection<RevocationHandle> pending() {
                return ledger.pending();
            }
        };
        newBroker(watching).mint("evals", build42);
        assertThat(recordedBeforeReturn).isTrue();
        assertThat(ledger.pending()).hasSize(1);
    }

    @Test
    void requestedTtlIsPassedOn() {
        broker.mint("evals", new MintRequest("team/app", "42", Duration.ofMinutes(45)));
        broker.mint("evals", new MintRequest("team/app", "43", H1));
        assertThat(main.ttls()).containsExactly(Duration.ofMinutes(45), H1);
    }

    @Test
    void ttlAboveTheRoleMaxIsRefusedBeforeAnythingIsMinted() {
        assertThatThrownBy(() -> broker.mint("evals", new MintRequest("team/app", "42", Duration.ofHours(2))))
                .isInstanceOf(BrokerException.class)
                .hasMessage("TTL 2h is above role evals's max TTL 1h: ask for at most 1h");
        assertThat(main.mintCalls()).isZero();
        assertThat(ledger.pending()).isEmpty();
    }

    @Test
    void unknownRoleNamesTheConfiguredOnes() {
        assertThatThrownBy(() -> broker.mint("x", build42)).isInstanceOf(BrokerException.class)
                .hasMessage("No OpenAI key role named 'x' is configured: choose one of evals, ingest, deploy, orphan"
                        + " (Manage Jenkins → System → OpenAI Ephemeral Keys)");
        assertThatThrownBy(() -> broker.checkAllowed(null, "team/app"))
                .hasMessageStartingWith("No OpenAI key role named '' is configured: choose one of evals,");
        KeyBroker empty = new KeyBroker(Map.of(), Map.of(), ledger, time);
        assertThatThrownBy(() -> empty.checkAllowed("evals", "a"))
                .hasMessage("No OpenAI key role named 'evals' is configured: add one under"
                        + " Manage Jenkins → System → OpenAI Ephemeral Keys");
        assertThat(main.mintCalls()).isZero();
    }

    @Test
    void allowedJobsAreGlobsOnTheFullName() {
        broker.checkAllowed("deploy", "team/app");
        broker.checkAllowed("deploy", "ops/a/b/c");
        broker.checkAllowed("evals", "anything/at/all"); // ** = any job
        assertThatThrownBy(() -> broker.checkAllowed("deploy", "team/sub/app"))
                .isInstanceOf(BrokerException.class)
                .hasMessage("Job 'team/sub/app' may not use OpenAI key role 'deploy': ask an administrator to add it"
                        + " to the role's allowed jobs (now team/*, ops/**) under"
                        + " Manage Jenkins → System → OpenAI Ephemeral Keys");
        assertThatThrownBy(() -> broker.mint("deploy", new MintRequest("other/app", "1")))
                .hasMessageStartingWith("Job 'other/app' may not use OpenAI key role 'deploy'");
        assertThat(main.mintCalls()).isZero();
        assertThat(broker.mint("deploy", build42).projectId()).isEqualTo("proj_2");
    }

    @Test
    void aRoleWithoutAllowedJobsServesNoJob() {
        Role closed = new Role("closed", "main", "proj_1", null, Duration.ofMinutes(30), null, null, null, List.of());
        KeyBroker denying = new KeyBroker(Map.of("closed", closed), Map.of("main", main), ledger, time);
        assertThatThrownBy(() -> denying.mint("closed", new MintRequest("team/app", "1")))
                .isInstanceOf(BrokerException.class)
                .hasMessage("OpenAI key role 'closed' allows no job yet: ask an administrator to add 'team/app'"
                        + " (or a glob such as ** for every job) to its allowed jobs under"
                        + " Manage Jenkins → System → OpenAI Ephemeral Keys");
        assertThat(main.mintCalls()).isZero();
    }

    @Test
    void roleWhoseOrganizationHasNoSourceIsAClearError() {
        assertThatThrownBy(() -> broker.mint("orphan", build42)).isInstanceOf(BrokerException.class)
                .hasMessage("OpenAI key role orphan uses organization 'gone', which has no key source configured:"
                        + " add that organization under Manage Jenkins → System → OpenAI Ephemeral Keys");
    }

    @Test
    void eachOrganizationUsesItsOwnSource() {
        MintedKey k = broker.mint("ingest", build42);
        assertThat(k.leaseId()).startsWith("openai/creds/ingest-role/");
        assertThat(k.handle().source()).isEqualTo(SourceKind.VAULT_ENGINE);
        assertThat(vault.mintCalls()).isEqualTo(1);
        assertThat(main.mintCalls()).isZero();
    }

    @Test
    void sourceErrorsPropagateUnchangedAndNothingIsRecorded() {
        EphemeralKeyException remote = new EphemeralKeyException("OpenAI refused: the admin key is invalid");
        main.failNextMint(remote);
        assertThatThrownBy(() -> broker.mint("evals", build42)).isSameAs(remote);
        assertThat(ledger.pending()).isEmpty();
        assertThat(log.messages(Level.WARNING)).singleElement().asString()
                .contains("role evals, job team/app #42", "OpenAI refused: the admin key is invalid");
    }

    @Test
    void unexpectedSourceFailuresBecomeOneSentence() {
        IllegalStateException bug = new IllegalStateException("boom");
        main.failNextMint(bug);
        assertThatThrownBy(() -> broker.mint("evals", build42)).isInstanceOf(BrokerException.class)
                .hasMessage("Minting an OpenAI key for role evals failed unexpectedly (IllegalStateException):"
                        + " see the Jenkins system log")
                .hasCause(bug);
        assertThat(ledger.pending()).isEmpty();
    }

    @Test
    void aKeyThatCannotBeRecordedIsRevokedAtOnce() {
        KeyBroker b = newBroker(new FailingLedger(ledger, true, false));
        assertThatThrownBy(() -> b.mint("evals", build42)).isInstanceOf(BrokerException.class)
                // A foreign exception's message is never quoted: it could carry anything.
                .hasMessage("Could not record the new OpenAI key for revocation (IllegalStateException),"
                        + " so it was revoked at once: fix the Jenkins controller's storage and try again");
        assertThat(main.mintCalls()).isEqualTo(1);
        assertThat(main.revokeCalls()).isEqualTo(1);
        assertThat(main.live()).isEmpty();
    }

    @Test
    void aKeyMintedAsTheBuildIsAbortedIsStillRecordedInTheFileLedger(@TempDir Path dir) {
        // The abort lands while the HTTP call completes: the source returns a key on an interrupted thread.
        KeySource abortedDuringMint = new KeySource() {
            @Override
            public MintedKey mint(Role role, MintRequest req, Duration ttl, String serviceAccountName) {
                MintedKey key = main.mint(role, req, ttl, serviceAccountName);
                Thread.currentThread().interrupt();
                return key;
            }

            @Override
            public void revoke(RevocationHandle handle) {
                main.revoke(handle);
            }
        };
        FileRevocationLedger files = new FileRevocationLedger(dir);
        KeyBroker b = new KeyBroker(roles, Map.of("main", abortedDuringMint), files, time);
        try {
            MintedKey key = b.mint("evals", build42);

            assertThat(Thread.currentThread().isInterrupted()).as("the abort is handed back").isTrue();
            assertThat(files.pending()).extracting(RevocationHandle::id).containsExactly(key.handle().id());
            assertThat(main.live()).containsExactly(key.handle().id());
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void aKeyThatCanNeitherBeRecordedNorRevokedNamesItsIds() {
        KeyBroker b = newBroker(new FailingLedger(ledger, true, false));
        main.failNextRevoke(new EphemeralKeyException("OpenAI is unreachable"));
        assertThatThrownBy(() -> b.mint("evals", build42)).isInstanceOf(BrokerException.class)
                .hasMessageMatching("Minted OpenAI key key_1, service account svc_acct_1, project proj_1, handle \\S+"
                        + " but could neither record it for revocation \\(IllegalStateException\\) nor"
                        + " revoke it \\(OpenAI is unreachable\\): delete it by hand and fix the Jenkins controller's"
                        + " storage");
        assertThat(main.live()).hasSize(1);
    }

    @Test
    void concurrentMintsGetDistinctNamesAndHandles() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<MintedKey>> futures = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                futures.add(pool.submit(() -> broker.mint("evals", build42)));
            }
            Set<String> ids = new HashSet<>();
            for (Future<MintedKey> f : futures) {
                ids.add(f.get().handle().id());
            }
            assertThat(ids).hasSize(64);
            assertThat(new HashSet<>(main.names())).hasSize(64);
            assertThat(ledger.pending()).hasSize(64);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void prefixIsConfigurable() {
        KeyBroker b = new KeyBroker(roles, Map.of("main", main), ledger, time, new ServiceAccountNames("ci7"));
        b.mint("evals", build42);
        assertThat(ServiceAccountNames.parse(main.names().get(0)).orElseThrow().prefix()).isEqualTo("ci7");
    }

    @Test
    void roleMapKeysMustMatchRoleNames() {
        Map<String, Role> wrong = Map.of("other", roles.get("evals"));
        assertThatThrownBy(() -> new KeyBroker(wrong, Map.of(), ledger, time))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(broker.role("evals")).isSameAs(roles.get("evals"));
    }

    // ---- revoke -----------------------------------------------------------------------

    @Test
    void revokeRemovesFromTheLedgerAndASecondCallIsANoOp() {
        MintedKey key = broker.mint("evals", build42);
        MintedKey other = broker.mint("evals", new MintRequest("team/app", "43"));
        broker.revoke(key.handle());
        assertThat(ledger.pending()).containsExactly(other.handle());
        assertThat(main.live()).containsExactly(other.handle().id());
        broker.revoke(key.handle());
        assertThat(main.revokeCalls()).isEqualTo(1);
        // a restored copy (same id, e.g. from program.dat) is the same handle
        broker.revoke(RevocationHandle.fromLine(key.handle().toLine()));
        assertThat(main.revokeCalls()).isEqualTo(1);
    }

    @Test
    void failedRevokeStaysInTheLedgerAndALaterCallRetries() {
        MintedKey key = broker.mint("evals", build42);
        EphemeralKeyException down = new EphemeralKeyException("OpenAI returned 503: try again later");
        main.failNextRevoke(down).failNextRevoke(down);

        assertThatThrownBy(() -> broker.revoke(key.handle())).isSameAs(down);
        assertThat(ledger.pending()).containsExactly(key.handle());
        assertThatThrownBy(() -> broker.revoke(key.handle())).isSameAs(down);
        assertThat(ledger.pending()).containsExactly(key.handle());

        broker.revoke(key.handle());
        assertThat(ledger.pending()).isEmpty();
        assertThat(main.live()).isEmpty();
        assertThat(main.revokeCalls()).isEqualTo(3);
        assertThat(log.messages(Level.WARNING)).as("failure logged once per handle").singleElement().asString()
                .contains("key key_1", "handle " + key.handle().id(), "will retry", "OpenAI returned 503");
        assertThat(log.messages(Level.FINE)).anyMatch(m -> m.contains("Could not revoke OpenAI key key_1"));
    }

    @Test
    void unexpectedRevokeFailureIsWrappedAndQueued() {
        MintedKey key = broker.mint("evals", build42);
        main.failNextRevoke(new NullPointerException());
        assertThatThrownBy(() -> broker.revoke(key.handle())).isInstanceOf(BrokerException.class)
                .hasMessage("Revoking OpenAI " + key.handle().describeIds() + " failed unexpectedly"
                        + " (NullPointerException): it stays queued and will be retried");
        assertThat(ledger.pending()).containsExactly(key.handle());
    }

    @Test
    void aHandleFromElsewhereIsQueuedWhenItsRevokeFails() {
        MintedKey key = broker.mint("evals", build42);
        ledger.remove(key.handle().id()); // e.g. a ledger that lost it
        main.failNextRevoke(new EphemeralKeyException("down"));
        assertThatThrownBy(() -> broker.revoke(key.handle())).hasMessage("down");
        assertThat(ledger.pending()).containsExactly(key.handle());
    }

    @Test
    void revokeWithoutASourceForTheOrganizationKeepsTheHandle() {
        MintedKey key = broker.mint("evals", build42);
        KeyBroker reconfigured = new KeyBroker(roles, Map.of("vaulted", vault), ledger, time);
        assertThatThrownBy(() -> reconfigured.revoke(key.handle())).isInstanceOf(BrokerException.class)
                .hasMessage("Cannot revoke OpenAI " + key.handle().describeIds() + " because organization 'main'"
                        + " has no key source configured any more: restore it under"
                        + " Manage Jenkins → System → OpenAI Ephemeral Keys or delete the key by hand");
        assertThat(ledger.pending()).containsExactly(key.handle());
    }

    @Test
    void ledgerRemovalFailureDoesNotFailTheRevokeAndIsRepairedLater() {
        FailingLedger flaky = new FailingLedger(ledger, false, true);
        KeyBroker b = newBroker(flaky);
        MintedKey key = b.mint("evals", build42);
        b.revoke(key.handle());
        assertThat(main.live()).isEmpty();
        assertThat(ledger.pending()).containsExactly(key.handle());
        flaky.failRemove = false;
        assertThat(b.retryPending()).isZero();
        assertThat(ledger.pending()).isEmpty();
        assertThat(main.revokeCalls()).isEqualTo(1);
    }

    @RepeatedTest(5)
    void sixteenThreadsRevokingOneHandleMakeExactlyOneRemoteRevoke() throws Exception {
        MintedKey key = broker.mint("evals", build42);
        for (Future<Object> f : AllAtOnce.run(16, Duration.ofSeconds(10), () -> {
            broker.revoke(key.handle());
            return null;
        })) {
            f.get();
        }
        assertThat(main.revokeCalls()).isEqualTo(1);
        assertThat(ledger.pending()).isEmpty();
        assertThat(log.messages(Level.INFO)).filteredOn(m -> m.startsWith("Revoked OpenAI")).hasSize(1);
    }

    @Test
    void concurrentCallersWaitForTheRevokeInFlight() throws Exception {
        MintedKey key = broker.mint("evals", build42);
        main.closeRevokeGate();
        List<Thread> threads = new ArrayList<>();
        List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int i = 0; i < 16; i++) {
            Thread t = new Thread(() -> {
                try {
                    broker.revoke(key.handle());
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            threads.add(t);
            t.start();
            if (i == 0) {
                assertThat(main.awaitRevokeEntered(10)).isTrue();
            }
        }
        awaitAllBlocked(threads);
        assertThat(main.revokeCalls()).isEqualTo(1);
        assertThat(threads).allMatch(Thread::isAlive);
        assertThat(ledger.pending()).containsExactly(key.handle());

        main.openRevokeGate();
        for (Thread t : threads) {
            t.join(10_000);
        }
        assertThat(errors).isEmpty();
        assertThat(main.revokeCalls()).isEqualTo(1);
        assertThat(ledger.pending()).isEmpty();
    }

    @Test
    void concurrentCallersShareAFailureAndALaterCallRetries() throws Exception {
        MintedKey key = broker.mint("evals", build42);
        EphemeralKeyException down = new EphemeralKeyException("OpenAI returned 503: try again later");
        main.failNextRevoke(down).closeRevokeGate();
        List<Thread> threads = new ArrayList<>();
        List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int i = 0; i < 16; i++) {
            Thread t = new Thread(() -> {
                try {
                    broker.revoke(key.handle());
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            threads.add(t);
            t.start();
            if (i == 0) {
                assertThat(main.awaitRevokeEntered(10)).isTrue();
            }
        }
        awaitAllBlocked(threads);
        main.openRevokeGate();
        for (Thread t : threads) {
            t.join(10_000);
        }
        assertThat(errors).hasSize(16).allMatch(e -> e == down);
        assertThat(main.revokeCalls()).isEqualTo(1);
        assertThat(ledger.pending()).containsExactly(key.handle());

        broker.revoke(key.handle());
        assertThat(main.revokeCalls()).isEqualTo(2);
        assertThat(ledger.pending()).isEmpty();
    }

    @Test
    void aWaiterThatIsInterruptedGivesUpButTheRevokeCompletes() throws Exception {
        MintedKey key = broker.mint("evals", build42);
        main.closeRevokeGate();
        Thread leader = new Thread(() -> broker.revoke(key.handle()));
        leader.start();
        assertThat(main.awaitRevokeEntered(10)).isTrue();
        List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Thread waiter = new Thread(() -> {
            try {
                broker.revoke(key.handle());
            } catch (Throwable e) {
                errors.add(e);
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            }
        });
        waiter.start();
        awaitAllBlocked(List.of(waiter));
        waiter.interrupt();
        waiter.join(10_000);
        assertThat(errors).singleElement().isInstanceOf(BrokerException.class).extracting(Throwable::getMessage)
                .asString().startsWith("Interrupted while waiting for the revoke of OpenAI key key_1");
        assertThat(stillInterrupted).isTrue();
        main.openRevokeGate();
        leader.join(10_000);
        assertThat(ledger.pending()).isEmpty();
        assertThat(main.revokeCalls()).isEqualTo(1);
    }

    private static void awaitAllBlocked(List<Thread> threads) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!threads.stream().allMatch(t -> t.getState() == Thread.State.WAITING
                || t.getState() == Thread.State.TIMED_WAITING)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("threads never blocked: " + threads.stream().map(Thread::getState).toList());
            }
            Thread.sleep(5);
        }
    }

    // ---- retryPending -----------------------------------------------------------------

    @Test
    void retryPendingRevokesFailedAndExpiredKeysButNotKeysInUse() {
        MintedKey failed = broker.mint("evals", build42);
        MintedKey inUse = broker.mint("evals", new MintRequest("team/app", "43", H1));
        MintedKey shortLived = broker.mint("ingest", new MintRequest("team/app", "44", Duration.ofMinutes(5)));
        main.failNextRevoke(new EphemeralKeyException("down"));
        assertThatThrownBy(() -> broker.revoke(failed.handle()));
        time.advance(Duration.ofMinutes(10));

        assertThat(broker.retryPending()).isEqualTo(2);

        assertThat(ledger.pending()).containsExactly(inUse.handle());
        assertThat(main.live()).containsExactly(inUse.handle().id());
        assertThat(vault.live()).isEmpty();
        assertThat(broker.retryPending()).isZero();
        time.advance(H1);
        assertThat(broker.retryPending()).isEqualTo(1);
        assertThat(ledger.pending()).isEmpty();
        assertThat(log.messages(Level.INFO)).anyMatch(m -> m.equals(
                "Revoked 2 pending key(s); 0 still failing and queued"));
    }

    @Test
    void retryPendingLogsEachPersistentFailureOnceAndCountsOnlySuccesses() {
        MintedKey key = broker.mint("evals", build42);
        time.advance(H1);
        EphemeralKeyException down = new EphemeralKeyException("OpenAI returned 503: try again later");
        main.failNextRevoke(down).failNextRevoke(down).failNextRevoke(down);
        for (int i = 0; i < 3; i++) {
            assertThat(broker.retryPending()).isZero();
            time.advance(H1); // past any backoff
        }
        assertThat(ledger.pending()).containsExactly(key.handle());
        assertThat(broker.retryPending()).isEqualTo(1);
        assertThat(ledger.pending()).isEmpty();
        List<String> warnings = log.messages(Level.WARNING);
        assertThat(warnings).singleElement().asString().contains("key key_1", key.handle().id());
    }

    @Test
    void persistentRevokeFailuresBackOffUpToTheCapAndStayThere() {
        KeyBroker b = new KeyBroker(roles, Map.of("main", main, "vaulted", vault), ledger, time,
                new ServiceAccountNames(), new RevokeBackoff(Duration.ofMinutes(5), Duration.ofMinutes(20)));
        MintedKey key = b.mint("evals", build42);
        time.advance(H1); // expired: due
        EphemeralKeyException down = new EphemeralKeyException("OpenAI refused the delete: check the admin key");
        for (int i = 0; i < 6; i++) {
            main.failNextRevoke(down);
        }
        // Waits after failures 1..6: 5, 10, 20 (the cap), then 20, 20, 20 — never 40 or more.
        long[] waits = {5, 10, 20, 20, 20, 20};
        for (int failure = 1; failure <= waits.length; failure++) {
            int callsBefore = main.revokeCalls();
            assertThat(b.retryPending()).isZero();
            assertThat(main.revokeCalls()).isEqualTo(callsBefore + 1);
            RevokeFailure f = b.failingRevokes().get(0);
            assertThat(f.attempts()).isEqualTo(failure);
            assertThat(f.nextAttempt()).isEqualTo(time.instant().plus(Duration.ofMinutes(waits[failure - 1])));
            time.advance(Duration.ofMinutes(waits[failure - 1]).minusSeconds(1));
            assertThat(b.retryPending()).isZero();
            assertThat(main.revokeCalls()).as("still backing off").isEqualTo(callsBefore + 1);
            time.advance(Duration.ofSeconds(1));
        }
        assertThat(b.retryPending()).isEqualTo(1);
        assertThat(b.failingRevokes()).isEmpty();
        assertThat(ledger.pending()).isEmpty();
        assertThat(key.handle().id()).isNotIn(main.live());
    }

    @Test
    void failingRevokesTellAMonitorWhichKeyWhyAndWhenNext() {
        MintedKey key = broker.mint("ingest", build42);
        main.failNextRevoke(new EphemeralKeyException("unused"));
        vault.failNextRevoke(new EphemeralKeyException("Vault failed revoke lease: check the Vault server log"));
        assertThatThrownBy(() -> broker.revoke(key.handle()));
        // the build's own revoke is not held back by the backoff; the periodic task is
        assertThat(broker.revokeMatching(h -> true)).isZero();

        RevokeFailure f = broker.failingRevokes().get(0);
        assertThat(f).isEqualTo(new RevokeFailure(key.handle().id(), "vaulted", "ingest", key.keyId(), key.leaseId(),
                key.serviceAccountId(), 1, "Vault failed revoke lease: check the Vault server log", time.instant(),
                time.instant().plus(RevokeBackoff.DEFAULT.first())));
        broker.revoke(key.handle());
        assertThat(broker.failingRevokes()).isEmpty();
    }

    @Test
    void revokeBackoffRefusesNonsense() {
        assertThatThrownBy(() -> new RevokeBackoff(Duration.ZERO, H1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positive first wait");
        assertThatThrownBy(() -> new RevokeBackoff(H1, M30)).isInstanceOf(IllegalArgumentException.class);
        assertThat(RevokeBackoff.DEFAULT.after(1000)).isEqualTo(RevokeBackoff.DEFAULT.cap());
    }

    @Test
    void afterARestartExpiredHandlesAreRevokedAndLiveOnesKept() {
        MintedKey expired = broker.mint("evals", new MintRequest("team/app", "1", Duration.ofMinutes(5)));
        MintedKey live = broker.mint("evals", new MintRequest("team/app", "2", H1));
        // A new broker over the same (persisted) ledger, as after a controller restart.
        KeyBroker restarted = newBroker(ledger);
        time.advance(Duration.ofMinutes(6));
        assertThat(restarted.retryPending()).isEqualTo(1);
        assertThat(ledger.pending()).containsExactly(live.handle());
        assertThat(main.live()).containsExactly(live.handle().id());
        assertThat(expired.handle().id()).isNotIn(main.live());
    }

    @Test
    void revokeMatchingCleansUpALostBuild() {
        MintedKey a = broker.mint("evals", new MintRequest("team/app", "1"));
        MintedKey b = broker.mint("ingest", new MintRequest("team/app", "1"));
        MintedKey c = broker.mint("evals", new MintRequest("team/app", "2"));
        int n = broker.revokeMatching(h -> h.jobFullName().equals("team/app") && h.buildId().equals("1"));
        assertThat(n).isEqualTo(2);
        assertThat(ledger.pending()).containsExactly(c.handle());
        assertThat(main.live()).doesNotContain(a.handle().id());
        assertThat(vault.live()).doesNotContain(b.handle().id());
    }

    // ---- logging ----------------------------------------------------------------------

    @Test
    void oneInfoLinePerMintAndRevokeWithIdsAndNeverTheValue() {
        MintedKey key = broker.mint("evals", build42);
        broker.revoke(key.handle());
        MintedKey lease = broker.mint("ingest", build42);
        broker.revoke(lease.handle());

        List<String> info = log.messages(Level.INFO);
        assertThat(info).hasSize(4);
        assertThat(info.get(0)).matches("Minted OpenAI key key_1, service account svc_acct_1, project proj_1, handle "
                + key.handle().id() + " for role evals, job team/app #42, TTL 30m, expires 2026-11-22T12:30:00Z,"
                + " in \\d+ ms");
        assertThat(info.get(1)).matches("Revoked OpenAI key key_1, service account svc_acct_1, project proj_1,"
                + " handle " + key.handle().id() + " for role evals, job team/app #42 in \\d+ ms");
        assertThat(info.get(2)).contains("lease " + lease.leaseId(), "handle " + lease.handle().id());
        assertThat(info.get(3)).startsWith("Revoked OpenAI key key_1, service account svc_acct_1, lease ");

        for (MintedKey k : List.of(key, lease)) {
            String value = k.value().reveal();
            assertThat(k.toString()).doesNotContain(value);
            assertThat(k.handle().toString()).doesNotContain(value);
            assertThat(k.handle().toLine()).doesNotContain(value);
            assertThat(k.handle().toMap().values()).noneMatch(v -> v.contains(value));
        }
        assertThat(broker.toString()).contains("evals").doesNotContain(key.value().reveal());
    }

    /** A ledger whose record and/or remove can be made to fail. */
    private static final class FailingLedger implements RevocationLedger {
        private final RevocationLedger delegate;
        volatile boolean failRecord;
        volatile boolean failRemove;

        FailingLedger(RevocationLedger delegate, boolean failRecord, boolean failRemove) {
            this.delegate = delegate;
            this.failRecord = failRecord;
            this.failRemove = failRemove;
        }

        @Override
        public void record(RevocationHandle h) {
            if (failRecord) {
                throw new IllegalStateException("disk full");
            }
            delegate.record(h);
        }

        @Override
        public void remove(String handleId) {
            if (failRemove) {
                throw new IllegalStateException("disk full");
            }
            delegate.remove(handleId);
        }

        @Override
        public Collection<RevocationHandle> pending() {
            return delegate.pending();
        }
    }
}
