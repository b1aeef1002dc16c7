package io.jenkins.plugins.openaikeys.bench;

import io.jenkins.plugins.openaikeys.core.broker.KeyBroker;
import io.jenkins.plugins.openaikeys.core.http.RetryPolicy;
import io.jenkins.plugins.openaikeys.core.ledger.InMemoryRevocationLedger;
import io.jenkins.plugins.openaikeys.core.openai.fake.Call;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Figure 3: {@code builds} adminApi builds start at the same instant, one thread each (as
 * Jenkins runs each build's step on its own thread), against a fake OpenAI that allows
 * {@code ratePerSecond} requests per second and answers 429 with {@code retry-after} and
 * {@code retry-after-ms} beyond that. The broker is warmed first (Vault login and admin
 * config read done), so every build needs exactly two OpenAI requests and the floor is
 * {@code 2 × builds / rate} seconds.
 */
final class ConcurrentRun {

    /** What the run measured. */
    record Result(int builds, int succeeded, double seconds, int successfulRequests, int rateLimited,
                  double floorSeconds, int leftovers, String firstFailure) {
    }

    /** Builds still running after this are reported as failed: the loop ends by itself. */
    private static final long GIVE_UP_SECONDS = 180;

    private final Rig rig;
    private final BenchConfig config;

    ConcurrentRun(Rig rig, BenchConfig config) {
        this.rig = rig;
        this.config = config;
    }

    Result run(RetryPolicy retries, int firstBuildNumber) throws InterruptedException {
        InMemoryRevocationLedger ledger = new InMemoryRevocationLedger();
        KeyBroker broker = rig.freshBroker(ledger, retries);
        Build.mintAndRevoke(broker, Rig.ADMIN_ROLE, firstBuildNumber);

        rig.openai.rateLimit(config.ratePerSecond(), config.burst());
        rig.openai.resetCallLog();
        int builds = config.builds();
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(builds);
        AtomicInteger succeeded = new AtomicInteger();
        List<String> failures = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < builds; i++) {
            int buildNumber = firstBuildNumber + 1 + i;
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    Build.mintAndRevoke(broker, Rig.ADMIN_ROLE, buildNumber);
                    succeeded.incrementAndGet();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    synchronized (failures) {
                        failures.add(e.getClass().getSimpleName() + ": " + e.getMessage());
                    }
                } finally {
                    done.countDown();
                }
            }, "bench-build-" + buildNumber);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        long t0 = System.nanoTime();
        start.countDown();
        boolean finished = done.await(GIVE_UP_SECONDS, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (!finished) {
            threads.forEach(Thread::interrupt);
        }
        rig.openai.noRateLimit();

        List<Call> calls = rig.openai.callLog();
        int ok = (int) calls.stream().filter(c -> c.status() != 429).count();
        int limited = calls.size() - ok;
        double floor = 2.0 * builds / config.ratePerSecond();
        String first;
        synchronized (failures) {
            first = failures.isEmpty() ? null : failures.get(0);
        }
        return new Result(builds, succeeded.get(), seconds, ok, limited, floor,
                ledger.pending().size() + rig.liveLeftovers(), first);
    }
}
