package io.jenkins.plugins.openaikeys.bench;

import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Calibration: what one request with injected latency L costs on this machine when no
 * plugin code runs — plain OkHttp, a path the fake answers 404 at once. The difference to L
 * is the machine's (loopback, thread wake-ups after an idle wait), not the plugin's; it
 * lets the report show the plugin's overhead beyond it next to the formula.
 */
final class BareRoundTrip {

    private BareRoundTrip() {
    }

    /** Median wall time in ms of {@code n} bare requests (after {@code warmup} unmeasured ones). */
    static double medianMillis(Rig rig, int warmup, int n) {
        OkHttpClient http = new OkHttpClient();
        Request request = new Request.Builder().url(rig.openai.baseUrl() + "/bench-calibration").build();
        try {
            for (int i = 0; i < warmup; i++) {
                call(http, request);
            }
            long[] nanos = new long[n];
            for (int i = 0; i < n; i++) {
                long start = System.nanoTime();
                call(http, request);
                nanos[i] = System.nanoTime() - start;
            }
            return SequentialRun.median(nanos) / 1e6;
        } finally {
            http.dispatcher().executorService().shutdown();
            http.connectionPool().evictAll();
        }
    }

    private static void call(OkHttpClient http, Request request) {
        try (Response r = http.newCall(request).execute()) {
            r.body().string();
        } catch (IOException e) {
            throw new UncheckedIOException("calibration request to the fake failed", e);
        }
    }
}
