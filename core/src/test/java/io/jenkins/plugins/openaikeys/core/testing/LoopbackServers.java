package io.jenkins.plugins.openaikeys.core.testing;

import okhttp3.HttpUrl;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockWebServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;

/**
 * Starts a fake's MockWebServer the one way every fake needs: a free loopback port, answers sent
 * without Nagle's delay ({@link NoDelayServerSocketFactory}), the fake's dispatcher.
 */
public final class LoopbackServers {

    private LoopbackServers() {
    }

    public static void start(MockWebServer server, Dispatcher dispatcher) {
        server.setServerSocketFactory(new NoDelayServerSocketFactory());
        server.setDispatcher(dispatcher);
        try {
            server.start(InetAddress.getLoopbackAddress(), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a fake on loopback", e);
        }
    }

    /** e.g. {@code http://127.0.0.1:54321}: scheme, host and port, no trailing slash. */
    public static String origin(MockWebServer server) {
        HttpUrl url = server.url("/");
        return "http://" + url.host() + ":" + url.port();
    }
}
