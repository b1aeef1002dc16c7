package io.jenkins.plugins.openaikeys.core.testing;

import java.time.Duration;

/**
 * Waits a simulated network latency accurately. Why not {@code Thread.sleep} (MockWebServer's
 * own delays): on small VMs a 20 ms sleep often lasts 21–22 ms, and a benchmark that subtracts
 * "round trips × latency" would charge that timer slack to the code under test. So: sleep
 * until about 2 ms before the deadline, then spin.
 */
public final class PreciseDelay {

    private static final long SPIN_NANOS = 2_000_000L;

    private PreciseDelay() {
    }

    /** Returns after {@code d} has passed (early if interrupted, with the flag set again). */
    public static void await(Duration d) {
        long deadline = System.nanoTime() + d.toNanos();
        try {
            long sleepNanos = deadline - System.nanoTime() - SPIN_NANOS;
            if (sleepNanos > 0) {
                Thread.sleep(sleepNanos / 1_000_000L, (int) (sleepNanos % 1_000_000L));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        while (System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }
}
