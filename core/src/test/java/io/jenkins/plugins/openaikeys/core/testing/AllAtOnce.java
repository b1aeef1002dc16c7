package io.jenkins.plugins.openaikeys.core.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one task on many threads released at the same instant: the race that single-flight
 * code (revoke, token login, admin-config read) must win. Returns every caller's future,
 * already done, so a test asserts on results or failures as it likes.
 */
public final class AllAtOnce {

    private AllAtOnce() {
    }

    /**
     * @param callers how many threads run {@code task}
     * @param timeout how long all of them may take together; longer fails the test
     */
    public static <T> List<Future<T>> run(int callers, Duration timeout, Callable<T> task)
            throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> all = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                all.add(pool.submit(() -> {
                    go.await();
                    return task.call();
                }));
            }
            go.countDown();
            long deadline = System.nanoTime() + timeout.toNanos();
            for (Future<T> f : all) {
                try {
                    f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (ExecutionException failedCaller) {
                    // kept in the future for the test to inspect
                } catch (TimeoutException e) {
                    throw new AssertionError(callers + " concurrent callers did not finish within " + timeout, e);
                }
            }
            return all;
        } finally {
            pool.shutdownNow();
        }
    }
}
