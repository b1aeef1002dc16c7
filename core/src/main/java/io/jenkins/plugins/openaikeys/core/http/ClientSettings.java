package io.jenkins.plugins.openaikeys.core.http;

import okhttp3.OkHttpClient;

import java.time.Clock;
import java.util.Objects;

/**
 * How core's clients reach the network and wait, given once to each builder
 * ({@code VaultClient}, {@code OpenAiAdminClient}, {@code AdminApiKeySource},
 * {@code AdminKeyRotator}) instead of four setters in each.
 *
 * @param httpClient  a shared base client whose connection pool and dispatcher are reused (each
 *                    client derives its own timeouts and TLS from it); null = each builder makes
 *                    a new one, as before
 * @param retryPolicy when and how long to wait before another attempt
 * @param clock       what retry budgets, {@code Retry-After} dates, token and key expiries are
 *                    measured on
 * @param sleeper     what waits between attempts ({@link Sleeper#SYSTEM} in production; a fake
 *                    time in tests that moves the clock instead)
 */
public record ClientSettings(OkHttpClient httpClient, RetryPolicy retryPolicy, Clock clock, Sleeper sleeper) {

    /** No shared client, {@link RetryPolicy#DEFAULT}, the system clock, real sleeping. */
    public static final ClientSettings DEFAULTS =
            new ClientSettings(null, RetryPolicy.DEFAULT, Clock.systemUTC(), Sleeper.SYSTEM);

    public ClientSettings {
        Objects.requireNonNull(retryPolicy, "retryPolicy");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(sleeper, "sleeper");
    }

    public ClientSettings withHttpClient(OkHttpClient client) {
        return new ClientSettings(client, retryPolicy, clock, sleeper);
    }

    public ClientSettings withRetryPolicy(RetryPolicy policy) {
        return new ClientSettings(httpClient, policy, clock, sleeper);
    }

    public ClientSettings withClock(Clock c) {
        return new ClientSettings(httpClient, retryPolicy, c, sleeper);
    }

    public ClientSettings withSleeper(Sleeper s) {
        return new ClientSettings(httpClient, retryPolicy, clock, s);
    }

    /** One time source as both clock and sleeper: a test's fake time, which moves when slept on. */
    public <T extends Clock & Sleeper> ClientSettings withTime(T time) {
        return new ClientSettings(httpClient, retryPolicy, time, time);
    }

    /**
     * These settings with a base client of their own when none is shared, so that everything
     * built from the result shares that one (a key source builds an OpenAI client per admin key).
     */
    public ClientSettings withOwnHttpClient() {
        return httpClient != null ? this : withHttpClient(new OkHttpClient());
    }

    /** A retrier on this policy, clock and sleeper. */
    public Retrier retrier(Retrier.Budget budget) {
        return new Retrier(retryPolicy, clock, sleeper, budget);
    }
}
