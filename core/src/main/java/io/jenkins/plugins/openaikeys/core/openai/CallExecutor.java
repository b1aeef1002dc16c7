package io.jenkins.plugins.openaikeys.core.openai;

import io.jenkins.plugins.openaikeys.core.http.Retrier;
import io.jenkins.plugins.openaikeys.core.http.Retrier.Outcome;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs a call that is safe to repeat (reads, deletes) until it succeeds, fails for good, or
 * runs out of attempts or time ({@link Retrier}); every failed attempt is logged with its
 * {@code x-request-id}.
 */
final class CallExecutor {

    private static final Logger LOGGER = Logger.getLogger(CallExecutor.class.getName());

    private final OpenAiTransport transport;
    private final Retrier retrier;
    private final OpenAiErrors errors;

    CallExecutor(OpenAiTransport transport, Retrier retrier, OpenAiErrors errors) {
        this.transport = transport;
        this.retrier = retrier;
        this.errors = errors;
    }

    /** A 2xx answer, or one with a status the call accepts; otherwise an {@link OpenAiException}. */
    RawResponse execute(ApiCall call) {
        return retrier.run(attempts -> attempt(call));
    }

    private Outcome<RawResponse> attempt(ApiCall call) {
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
            return Outcome.<RawResponse>failure((attempts, elapsed) -> logged(errors.unreachable(call, e, attempts)))
                    .beforeRetry((attempts, delay) -> LOGGER.log(Level.FINE,
                            "OpenAI {0} failed ({1}) on attempt {2}, retrying in {3} ms", new Object[] {
                                call.describe(), e.getClass().getSimpleName(), attempts, delay.toMillis()}))
                    .whenInterrupted(() -> errors.interrupted(call));
        }
        if (r.isSuccess() || call.accepts(r.status())) {
            return Outcome.success(r);
        }
        if (call.unknownOutcomeAdvice() != null && Outcomes.isAmbiguousStatus(r.status())) {
            throw logged(errors.unknownOutcome(call, "status " + r.status(), r));
        }
        return Outcome.<RawResponse>failure((attempts, elapsed) -> logged(errors.fromResponse(call, r, attempts,
                        elapsed)))
                .retryableIf(errors.isRetryable(r))
                .hintedBy(r::header)
                .beforeRetry((attempts, delay) -> LOGGER.log(Level.FINE,
                        "OpenAI {0} answered {1} (x-request-id {2}) on attempt {3}, retrying in {4} ms", new Object[] {
                            call.describe(), r.status(), r.requestId(), attempts, delay.toMillis()}))
                .whenInterrupted(() -> errors.interrupted(call));
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
