package io.jenkins.plugins.openaikeys.core.vault;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.openaikeys.core.vault.VaultException.Kind;

import java.time.Clock;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Authenticated calls: takes a token from the shared cache, sends the request, and on a 403
 * (the token may have been revoked behind our back) logs in once more and tries once more
 * before reporting the denial.
 */
final class VaultSession {

    private static final Logger LOG = Logger.getLogger(VaultSession.class.getName());

    /** The answer and the token that obtained it (a lease belongs to that token). */
    record Authed(VaultToken token, JsonNode body) {
    }

    private final VaultHttp http;
    private final VaultTokenCache cache;
    private final VaultTokenCache.Key key;
    private final TokenSource source;
    private final Clock clock;

    VaultSession(VaultHttp http, VaultTokenCache cache, VaultTokenCache.Key key, TokenSource source, Clock clock) {
        this.http = http;
        this.cache = cache;
        this.key = key;
        this.source = source;
        this.clock = clock;
    }

    VaultHttp http() {
        return http;
    }

    Clock clock() {
        return clock;
    }

    JsonNode call(VaultRequest req) {
        return call(req, Duration.ZERO).body();
    }

    Authed call(VaultRequest req, Duration tokenMustOutlive) {
        VaultToken token = cache.obtain(key, tokenMustOutlive, source, clock);
        try {
            return new Authed(token, http.send(req, token.secret()));
        } catch (VaultException e) {
            if (e.kind() != Kind.PERMISSION_DENIED) {
                throw e;
            }
            LOG.log(Level.FINE, "Vault denied {0} with the cached token of {1}; logging in again once",
                    new Object[] {req, source.identity()});
            cache.invalidate(key, token);
            VaultToken again = cache.obtain(key, tokenMustOutlive, source, clock);
            return new Authed(again, http.send(req, again.secret()));
        }
    }

    /** A token for calls that only need to prove the login works. */
    VaultToken token() {
        return cache.obtain(key, Duration.ZERO, source, clock);
    }

    boolean extend(VaultToken token, Duration atLeast) {
        return cache.extend(key, token, atLeast, source, clock);
    }
}
