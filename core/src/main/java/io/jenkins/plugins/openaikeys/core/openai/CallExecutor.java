package io.jenkins.plugins.openaikeys.core.openai;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs a call that is safe to repeat (reads, deletes) until it succeeds, fails for good, or
 * runs out of attempts or time; every failed attempt is logged with its {@code x-request-id}.
 */
final class CallExecutor {

    private static final Logger LOGGER = Logger.getLogger(CallExecutor.class.getName());

    private final OpenAiTransport transport;
    private final Backoff backoff;
    private final OpenAiErrors errors;

    CallExecutor(OpenAiTransport transport, Backoff backoff, OpenAiErrors errors) {
        this.transport = transport;
        this.backoff = backoff;
        this.errors = errors;
    }

    /** A 2xx answer, or one with a status the call accepts; otherwise an {@link OpenAiException}. */
    RawResponse execute(ApiCall call) {
        Instant start = backoff.now();
        for (int attempts = 1; ; attempts++) {
            RawResponse r;
            try {
                r = transport.send(call);
            } catch (IOException e) {
                if (isInterruption(e)) {
                    Thread.currentThread().interrupt();
                    throw errors.interrupted(call);
                }
                if (call.unknownOutcomeAdvice() != null && !Outcomes.surelyNotSent(e)) {
                    throw logged(errors.unknownOutcome(call, e.getClass().getSimpleName(), null));
                }
                Optional<Duration> delay = backoff.next(attempts, start, null);
                if (delay.isEmpty()) {
                    throw logged(errors.unreachable(call, e, attempts));
                }
                LOGGER.log(Level.FINE, "OpenAI {0} failed ({1}) on attempt {2}, retrying in {3} ms",
                        new Object[] {call.describe(), e.getClass().getSimpleName(), attempts, delay.get().toMillis()});
                backoff.sleep(delay.get(), call);
                continue;
            }
            if (r.isSuccess() || call.accepts(r.status())) {
                return r;
            }
            if (call.unknownOutcomeAdvice() != null && Outcomes.isAmbiguousStatus(r.status())) {
                throw logged(errors.unknownOutcome(call, "status " + r.status(), r));
            }
            Optional<Duration> delay = errors.isRetryable(r) ? backoff.next(attempts, start, r) : Optional.empty();
            if (delay.isEmpty()) {
                OpenAiException failure = errors.fromResponse(call, r, attempts, backoff.since(start));
                throw logged(failure);
            }
            LOGGER.log(Level.FINE, "OpenAI {0} answered {1} (x-request-id {2}) on attempt {3}, retrying in {4} ms",
                    new Object[] {call.describe(), r.status(), r.requestId(), attempts, delay.get().toMillis()});
            backoff.sleep(delay.get(), call);
        }
    }

    /**
     * The message already names the call, the status and the x-request-id. Only FINE: the
     * failure is thrown, and the caller reports it once with its own context (the broker per
     * key, with ids, and not again on every retry; the sweeper in its report) — a WARNING here
     * would report every failure twice, and again on each periodic retry, and would raise an
     * alarm for failures the caller absorbs (a 401 before switching to a rotated admin key).
     */
    private static OpenAiException logged(OpenAiException failure) {
        LOGGER.log(Level.FINE, "{0}", failure.getMessage());
        return failure;
    }

    static boolean isInterruption(IOException e) {
        return e instanceof InterruptedIOException && !(e instanceof SocketTimeoutException)
                || Thread.currentThread().isInterrupted();
    }
}
