package io.jenkins.plugins.openaikeys.core.http;

import java.time.Duration;

/**
 * Waits between retries. Injected next to a {@link java.time.Clock} so that tests can
 * advance time instead of sleeping for real.
 */
@FunctionalInterface
public interface Sleeper {

    /** The real thing: {@link Thread#sleep(long)}. */
    Sleeper SYSTEM = d -> Thread.sleep(d.toMillis());

    void sleep(Duration duration) throws InterruptedException;
}
