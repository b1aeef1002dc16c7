package io.jenkins.plugins.openaikeys.core.vault;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;

/**
 * A JDK {@link HttpClient} that refuses response bodies above a cap and bounds every request
 * by a timeout. vault-java-driver reads bodies with {@code BodyHandlers.ofString()}
 * (unbounded) and takes only whole-second timeouts; handing it this client is the one hook
 * the driver offers to keep a broken or hostile endpoint from exhausting the controller's heap.
 */
final class BoundedBodyHttpClient extends HttpClient {

    /** Raised (inside the driver's exception chain) when a body passes the cap. */
    static final class BodyTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        BodyTooLargeException(long max) {
            super("response body larger than " + max + " bytes");
        }
    }

    private final HttpClient delegate;
    private final long maxBytes;
    private final Duration requestTimeout;

    BoundedBodyHttpClient(HttpClient delegate, long maxBytes, Duration requestTimeout) {
        this.delegate = delegate;
        this.maxBytes = maxBytes;
        this.requestTimeout = requestTimeout;
    }

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        return delegate.send(bounded(request), capped(handler));
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        return delegate.sendAsync(bounded(request), capped(handler));
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
                                                            HttpResponse.PushPromiseHandler<T> push) {
        return delegate.sendAsync(bounded(request), capped(handler), push);
    }

    private HttpRequest bounded(HttpRequest request) {
        if (request.timeout().isPresent()) {
            return request;
        }
        return HttpRequest.newBuilder(request, (name, value) -> true).timeout(requestTimeout).build();
    }

    private <T> HttpResponse.BodyHandler<T> capped(HttpResponse.BodyHandler<T> handler) {
        return info -> new CappedSubscriber<>(handler.apply(info), maxBytes);
    }

    private static final class CappedSubscriber<T> implements HttpResponse.BodySubscriber<T> {
        private final HttpResponse.BodySubscriber<T> downstream;
        private final long max;
        private long seen;
        private boolean failed;
        private Flow.Subscription subscription;

        CappedSubscriber(HttpResponse.BodySubscriber<T> downstream, long max) {
            this.downstream = downstream;
            this.max = max;
        }

        @Override
        public CompletionStage<T> getBody() {
            return downstream.getBody();
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            downstream.onSubscribe(s);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (failed) {
                return;
            }
            for (ByteBuffer b : items) {
                seen += b.remaining();
            }
            if (seen > max) {
                failed = true;
                subscription.cancel();
                downstream.onError(new BodyTooLargeException(max));
                return;
            }
            downstream.onNext(items);
        }

        @Override
        public void onError(Throwable t) {
            if (!failed) {
                downstream.onError(t);
            }
        }

        @Override
        public void onComplete() {
            if (!failed) {
                downstream.onComplete();
            }
        }
    }

    @Override
    public Optional<CookieHandler> cookieHandler() {
        return delegate.cookieHandler();
    }

    @Override
    public Optional<Duration> connectTimeout() {
        return delegate.connectTimeout();
    }

    @Override
    public Redirect followRedirects() {
        return delegate.followRedirects();
    }

    @Override
    public Optional<ProxySelector> proxy() {
        return delegate.proxy();
    }

    @Override
    public SSLContext sslContext() {
        return delegate.sslContext();
    }

    @Override
    public SSLParameters sslParameters() {
        return delegate.sslParameters();
    }

    @Override
    public Optional<Authenticator> authenticator() {
        return delegate.authenticator();
    }

    @Override
    public Version version() {
        return delegate.version();
    }

    @Override
    public Optional<Executor> executor() {
        return delegate.executor();
    }
}
