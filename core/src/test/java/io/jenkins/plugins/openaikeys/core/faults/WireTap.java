package io.jenkins.plugins.openaikeys.core.faults;

import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * An okhttp interceptor on the controller's shared HTTP client. Two jobs: it remembers every
 * credential the plugin sends (Vault tokens, OpenAI admin keys) so that the leak audit can
 * look for them — the fakes do not expose the Vault tokens they issue — and it can corrupt
 * the next answer on a path after the server really did the work (e.g. a {@code creds/}
 * read whose lease exists but whose body lost the key).
 */
final class WireTap implements Interceptor {

    private final Set<String> credentials = ConcurrentHashMap.newKeySet();
    private final Deque<Tamper> tampers = new ArrayDeque<>();

    private record Tamper(String pathContains, UnaryOperator<String> body) {
    }

    /** Every {@code X-Vault-Token} and bearer value seen so far. */
    Set<String> credentials() {
        return Set.copyOf(credentials);
    }

    /** The next answer to a request whose path contains {@code pathContains} has its body rewritten. */
    synchronized void tamperNext(String pathContains, UnaryOperator<String> body) {
        tampers.add(new Tamper(pathContains, body));
    }

    private synchronized Tamper takeTamper(String path) {
        for (Tamper t : tampers) {
            if (path.contains(t.pathContains())) {
                tampers.remove(t);
                return t;
            }
        }
        return null;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        remember(request.header("X-Vault-Token"));
        String auth = request.header("Authorization");
        if (auth != null) {
            remember(auth.startsWith("Bearer ") ? auth.substring("Bearer ".length()) : auth);
        }
        Response response = chain.proceed(request);
        Tamper tamper = takeTamper(request.url().encodedPath());
        if (tamper == null || response.body() == null) {
            return response;
        }
        MediaType type = response.body().contentType();
        String original = response.body().string();
        return response.newBuilder().body(ResponseBody.create(tamper.body().apply(original), type)).build();
    }

    private void remember(String value) {
        if (value != null && !value.isBlank()) {
            credentials.add(value.trim());
        }
    }
}
