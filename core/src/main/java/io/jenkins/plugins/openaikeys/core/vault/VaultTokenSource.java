package io.jenkins.plugins.openaikeys.core.vault;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.openaikeys.core.vault.VaultException.Kind;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * Tokens for one auth method: a login through the driver, or — for a static token — a
 * lookup-self that learns its TTL; renew-self for both. lookup-self and renew-self go
 * through {@link VaultHttp} because they carry the token we already hold and need the same
 * bounded reading and error sentences as every other authenticated call.
 */
final class VaultTokenSource implements TokenSource {

    private final VaultAuthMethod method;
    private final DriverLogin driver;
    private final VaultHttp http;
    private final Clock clock;

    VaultTokenSource(VaultAuthMethod method, DriverLogin driver, VaultHttp http, Clock clock) {
        this.method = method;
        this.driver = driver;
        this.http = http;
        this.clock = clock;
    }

    @Override
    public String identity() {
        return method.identity();
    }

    @Override
    public VaultToken login() {
        if (method instanceof TokenAuth t) {
            return lookupSelf(t);
        }
        return driver.login(method);
    }

    private VaultToken lookupSelf(TokenAuth t) {
        VaultRequest req = VaultRequest.get("auth/token/lookup-self", "lookup-self");
        JsonNode body;
        try {
            body = http.send(req, t.token());
        } catch (VaultException e) {
            if (e.kind() == Kind.PERMISSION_DENIED) {
                throw new VaultException(Kind.LOGIN_FAILED, e.status(), "Vault rejected the token at auth/token: "
                        + t.fixHint());
            }
            throw e;
        }
        JsonNode data = body == null ? null : body.get("data");
        if (data == null || !data.path("ttl").isNumber()) {
            throw VaultErrors.malformed(http.endpoint().address(), req, "no data.ttl");
        }
        return VaultToken.issued(t.token(), data.path("ttl").asLong(), data.path("renewable").asBoolean(false),
                clock.instant());
    }

    @Override
    public VaultToken renew(VaultToken token, Duration increment) {
        VaultRequest req = VaultRequest.post("auth/token/renew-self",
                Map.of("increment", increment.toSeconds() + "s"), "renew-self");
        JsonNode auth = http.send(req, token.secret());
        JsonNode a = auth == null ? null : auth.get("auth");
        if (a == null || !a.path("lease_duration").isNumber()) {
            throw VaultErrors.malformed(http.endpoint().address(), req, "no auth.lease_duration");
        }
        VaultToken granted = VaultToken.issued(token.secret(), a.path("lease_duration").asLong(),
                a.path("renewable").asBoolean(false), clock.instant());
        // Keep the login's lease as the yardstick for the refresh margin: a renewal capped by the
        // max TTL grants ever shorter leases, and a margin shrinking with them would renew forever.
        return granted.withBaseLease(token.leaseDuration());
    }
}
