package io.jenkins.plugins.openaikeys.core.faults;

import io.jenkins.plugins.openaikeys.core.broker.KeyBroker;
import io.jenkins.plugins.openaikeys.core.broker.MintedKey;
import io.jenkins.plugins.openaikeys.core.openai.fake.Endpoint;
import io.jenkins.plugins.openaikeys.core.openai.fake.Fault;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.jenkins.plugins.openaikeys.core.faults.FaultWorld.ADMIN_ROLE;
import static io.jenkins.plugins.openaikeys.core.faults.FaultWorld.ENGINE_ROLE;
import static io.jenkins.plugins.openaikeys.core.faults.Faults.handleFiles;
import static org.assertj.core.api.Assertions.assertThat;

/** Answers lost mid-flight and callers racing each other. */
final class ConcurrencyScenarios {

    private static final int THREADS = 24;

    private ConcurrencyScenarios() {
    }

    static List<FaultScenario> all() {
        return List.of(
                new FaultScenario("adminApi: the create's answer is lost after OpenAI did it, one live account"
                        + " with a working key, none after revoke", ConcurrencyScenarios::ambiguousCreate),
                new FaultScenario("adminApi: many threads revoke one key at once, exactly one remote delete",
                        ConcurrencyScenarios::racingRevokesAdminApi),
                new FaultScenario("vaultEngine: many threads revoke one key at once, exactly one lease revoke",
                        ConcurrencyScenarios::racingRevokesEngine),
                new FaultScenario("adminApi: many threads revoke one key while OpenAI fails, all see the failure,"
                        + " it is reported once, then one delete", ConcurrencyScenarios::racingRevokesWhileFailing));
    }

    static void ambiguousCreate(FaultWorld w) {
        FaultWorld.Controller c = w.controller();
        w.openai.inject(Endpoint.CREATE_SERVICE_ACCOUNT, Fault.disconnectAfterProcessing());

        MintedKey key = w.mint(c.broker(), ADMIN_ROLE, "1");

        assertThat(w.liveManagedAccounts()).hasSize(1);
        assertThat(w.openai.isLiveKey(key.value())).as("the key handed out works").isTrue();
        assertThat(w.openai.serviceAccountOfKey(key.value()).orElseThrow().id()).isEqualTo(key.serviceAccountId());

        c.broker().revoke(key.handle());
        assertThat(w.liveManagedAccounts()).isEmpty();
        assertThat(handleFiles(w)).isEmpty();
    }

    static void racingRevokesAdminApi(FaultWorld w) throws Exception {
        FaultWorld.Controller c = w.controller();
        MintedKey key = w.mint(c.broker(), ADMIN_ROLE, "1");
        w.time.advance(FaultWorld.TTL.plusSeconds(1)); // retryPending joins the race too

        race(c.broker(), key);

        assertThat(w.openai.calls(Endpoint.DELETE_SERVICE_ACCOUNT)).as("remote deletes").isEqualTo(1);
        assertThat(handleFiles(w)).isEmpty();
    }

    static void racingRevokesEngine(FaultWorld w) throws Exception {
        FaultWorld.Controller c = w.controller();
        MintedKey key = w.mint(c.broker(), ENGINE_ROLE, "1");
        w.time.advance(FaultWorld.TTL.minusSeconds(1)); // still live in Vault; retryPending leaves it alone

        race(c.broker(), key);

        assertThat(w.vault.calls("PUT sys/leases/revoke")).as("remote lease revokes").isEqualTo(1);
        assertThat(w.liveLeases()).isEmpty();
        assertThat(handleFiles(w)).isEmpty();
    }

    /**
     * Racers share an attempt series while one is in flight (a late one may start another);
     * whatever the interleaving, every caller sees the failure and it is logged once.
     */
    static void racingRevokesWhileFailing(FaultWorld w) throws Exception {
        FaultWorld.Controller c = w.controller();
        MintedKey key = w.mint(c.broker(), ADMIN_ROLE, "1");
        int attempts = FaultWorld.RETRIES.maxAttempts();
        w.openai.inject(Endpoint.DELETE_SERVICE_ACCOUNT, Fault.status(500).times(THREADS * attempts));
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        int failed = 0;
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                done.add(pool.submit(() -> {
                    start.await();
                    c.broker().revoke(key.handle());
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                try {
                    f.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    w.surfaced(e.getCause());
                    failed++;
                }
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(failed).as("callers that saw the failure").isEqualTo(THREADS);
        assertThat(handleFiles(w)).hasSize(1);
        w.assertReportedOnce(key);

        w.openai.clearFaults();
        // A racer that came late started a second series of attempts: each failed series counts
        // towards the backoff, so wait out the one of as many failures as there were series.
        int series = (int) (w.openai.calls(Endpoint.DELETE_SERVICE_ACCOUNT) / attempts);
        assertThat(series).as("failed attempt series").isBetween(1, THREADS);
        w.waitOutRevokeBackoff(series);
        assertThat(c.broker().retryPending()).isEqualTo(1);
        assertThat(Faults.succeeded(w.openai, Endpoint.DELETE_SERVICE_ACCOUNT)).isEqualTo(1);
        assertThat(handleFiles(w)).isEmpty();
    }

    /** THREADS callers (the build, the RunListener, the periodic task) all revoke at the same instant. */
    private static void race(KeyBroker broker, MintedKey key) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                boolean periodic = i % 6 == 0;
                done.add(pool.submit(() -> {
                    start.await();
                    if (periodic) {
                        broker.retryPending();
                    } else {
                        broker.revoke(key.handle());
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS); // every caller returns normally
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
