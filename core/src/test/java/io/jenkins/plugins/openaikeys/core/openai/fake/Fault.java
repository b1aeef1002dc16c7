package io.jenkins.plugins.openaikeys.core.openai.fake;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;

/**
 * A misbehaviour {@link FakeOpenAi} shows for the next {@link #times(int) n} matching calls.
 * Immutable; build with the static factories and the {@code with…} methods, e.g.
 * {@code Fault.status(429).withRetryAfterSeconds(2).times(3)} or
 * {@code Fault.disconnectAfterProcessing()} (the ambiguous create: done, answer lost).
 */
public final class Fault {

    enum Kind { STATUS, DISCONNECT, HUGE_BODY, MALFORMED_JSON, DELAY }

    /**
     * A secret the error message quotes in full, as a validating proxy or a careless error
     * path of a real service may: the bearer the request carried, or the key of the service
     * account the request names.
     */
    public enum Quote { NONE, BEARER, SERVICE_ACCOUNT_KEY }

    final Kind kind;
    final int status;
    final String retryAfter;
    final String retryAfterMs;
    final String contentType;
    final String body;
    final String errorType;
    final String errorCode;
    final int hugeBytes;
    final boolean chunked;
    final boolean afterProcessing;
    final Duration delay;
    final int times;
    final Quote quote;

    private Fault(Kind kind, int status, String retryAfter, String retryAfterMs, String contentType, String body,
                  String errorType, String errorCode, int hugeBytes, boolean chunked, boolean afterProcessing,
                  Duration delay, int times) {
        this(kind, status, retryAfter, retryAfterMs, contentType, body, errorType, errorCode, hugeBytes, chunked,
                afterProcessing, delay, times, Quote.NONE);
    }

    private Fault(Kind kind, int status, String retryAfter, String retryAfterMs, String contentType, String body,
                  String errorType, String errorCode, int hugeBytes, boolean chunked, boolean afterProcessing,
                  Duration delay, int times, Quote quote) {
        this.kind = kind;
        this.status = status;
        this.retryAfter = retryAfter;
        this.retryAfterMs = retryAfterMs;
        this.contentType = contentType;
        this.body = body;
        this.errorType = errorType;
        this.errorCode = errorCode;
        this.hugeBytes = hugeBytes;
        this.chunked = chunked;
        this.afterProcessing = afterProcessing;
        this.delay = delay;
        this.times = times;
        this.quote = Objects.requireNonNull(quote);
    }

    private static Fault of(Kind kind, int status) {
        return new Fault(kind, status, null, null, null, null, null, null, 0, false, false, Duration.ZERO, 1);
    }

    /** Answer {@code status} with an OpenAI error envelope (typed like the real one for 429/5xx). */
    public static Fault status(int status) {
        return of(Kind.STATUS, status);
    }

    /** Drop the connection after reading the request, without doing anything. */
    public static Fault disconnect() {
        return of(Kind.DISCONNECT, 0);
    }

    /** Do the work (e.g. create the account), then drop the connection: the answer is lost. */
    public static Fault disconnectAfterProcessing() {
        return disconnect().afterProcessing();
    }

    /** Answer 200 with a body of {@code bytes} bytes (Content-Length set unless {@link #chunked()}). */
    public static Fault hugeBody(int bytes) {
        Fault f = of(Kind.HUGE_BODY, 200);
        return new Fault(f.kind, 200, null, null, null, null, null, null, bytes, false, false, Duration.ZERO, 1);
    }

    /** Answer 200 with truncated JSON. */
    public static Fault malformedJson() {
        return of(Kind.MALFORMED_JSON, 200);
    }

    /** Do the work, then hold the answer back for {@code delay} (real time): for read timeouts. */
    public static Fault delayAfterProcessing(Duration delay) {
        return new Fault(Kind.DELAY, 0, null, null, null, null, null, null, 0, false, true,
                Objects.requireNonNull(delay), 1);
    }

    public Fault withRetryAfterSeconds(long seconds) {
        return withRetryAfter(Long.toString(seconds));
    }

    /** The {@code Retry-After} header verbatim (seconds or an HTTP date). */
    public Fault withRetryAfter(String value) {
        return new Fault(kind, status, value, retryAfterMs, contentType, body, errorType, errorCode, hugeBytes,
                chunked, afterProcessing, delay, times, quote);
    }

    public Fault withRetryAfterDate(Instant at) {
        return withRetryAfter(DateTimeFormatter.RFC_1123_DATE_TIME.format(at.atOffset(ZoneOffset.UTC)));
    }

    public Fault withRetryAfterMs(long millis) {
        return new Fault(kind, status, retryAfter, Long.toString(millis), contentType, body, errorType, errorCode,
                hugeBytes, chunked, afterProcessing, delay, times, quote);
    }

    /** An error envelope with this {@code type} and {@code code} (e.g. "insufficient_quota"). */
    public Fault withError(String type, String code) {
        return new Fault(kind, status, retryAfter, retryAfterMs, contentType, body, type, code, hugeBytes,
                chunked, afterProcessing, delay, times, quote);
    }

    /** A gateway's HTML error page instead of JSON. */
    public Fault withHtmlBody() {
        return withBody("text/html", "<html><head><title>" + status + " Bad Gateway</title></head><body>"
                + "<center><h1>" + status + " Bad Gateway</h1></center><hr><center>cloudflare</center></body></html>");
    }

    public Fault withBody(String type, String content) {
        return new Fault(kind, status, retryAfter, retryAfterMs, type, content, errorType, errorCode, hugeBytes,
                chunked, afterProcessing, delay, times, quote);
    }

    /** Send a huge body chunked, without Content-Length, so the client must count. */
    public Fault chunked() {
        return new Fault(kind, status, retryAfter, retryAfterMs, contentType, body, errorType, errorCode, hugeBytes,
                true, afterProcessing, delay, times, quote);
    }

    /** Do the real work first, then misbehave: the caller cannot know the work was done. */
    public Fault afterProcessing() {
        return new Fault(kind, status, retryAfter, retryAfterMs, contentType, body, errorType, errorCode, hugeBytes,
                chunked, true, delay, times, quote);
    }

    /**
     * The error message quotes {@code what} in full (an OpenAI-style envelope, {@code invalid_request_error}):
     * a service echoing a secret back, which nothing of ours may pass on.
     */
    public Fault quoting(Quote what) {
        return new Fault(kind, status, retryAfter, retryAfterMs, contentType, body, errorType, errorCode, hugeBytes,
                chunked, afterProcessing, delay, times, what);
    }

    /** For the next {@code n} matching calls (default 1). */
    public Fault times(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("times must be at least 1");
        }
        return new Fault(kind, status, retryAfter, retryAfterMs, contentType, body, errorType, errorCode, hugeBytes,
                chunked, afterProcessing, delay, n, quote);
    }
}
