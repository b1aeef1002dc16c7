package io.jenkins.plugins.openaikeys.core.vault;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.openaikeys.core.SecretString;

import java.net.ConnectException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.regex.Pattern;
import java.util.logging.Logger;

/**
 * The vault-plugin-secrets-openai mount: dynamic keys from {@code creds/}, its config and
 * admin-key rotation. Guards the fact that bites: a lease dies with the token that created
 * it, so a key is only taken with a token that outlives it — otherwise it is revoked at once.
 */
final class OpenAiEngine {

    /** Slack between the end of a lease and the end of the token that owns it. */
    static final Duration LEASE_MARGIN = Duration.ofSeconds(30);
    private static final Logger LOG = Logger.getLogger(OpenAiEngine.class.getName());

    private final VaultSession session;
    private final Leases leases;

    OpenAiEngine(VaultSession session, Leases leases) {
        this.session = session;
        this.leases = leases;
    }

    EngineCredentials readCreds(String mount, String role, Duration ttl) {
        String m = VaultPaths.clean(mount, "OpenAI secrets engine mount");
        String r = VaultPaths.clean(role, "OpenAI engine role");
        if (r.contains("/")) {
            throw new IllegalArgumentException("The OpenAI engine role '" + r + "' must not contain '/'");
        }
        if (ttl != null && (ttl.isNegative() || ttl.isZero())) {
            throw new IllegalArgumentException("The requested TTL must be positive");
        }
        String api = VaultPaths.join(m, "creds", r);
        // Never replayed: the engine answers 500 for any OpenAI failure, also after it created the
        // account, and names accounts itself, so each replay could leave one more account behind.
        VaultRequest req = (ttl == null ? VaultRequest.get(api, "read credentials")
                : VaultRequest.get(api, Map.of("ttl", ttl.toSeconds() + "s"), "read credentials")).notReplayable();
        VaultSession.Authed answer;
        try {
            answer = session.call(req, ttl == null ? Duration.ZERO : ttl.plus(LEASE_MARGIN));
        } catch (VaultException e) {
            if (mayHaveCreated(e)) {
                warnPossibleOrphan(m, r, e);
            }
            throw e;
        }
        JsonNode body = answer.body();
        String leaseId = body == null ? null : body.path("lease_id").asText(null);
        if (leaseId == null || leaseId.isEmpty()) {
            VaultException e = VaultErrors.malformed(session.http().endpoint().address(), req, "no lease_id");
            warnPossibleOrphan(m, r, e);
            throw e;
        }
        try {
            EngineCredentials creds = parse(req, body, leaseId);
            if (!session.extend(answer.token(), creds.leaseDuration().plus(LEASE_MARGIN))) {
                throw VaultTokenCache.tooShort(creds.leaseDuration().plus(LEASE_MARGIN));
            }
            LOG.log(Level.FINE, "Vault engine {0} issued {1}", new Object[] {api, creds});
            return creds;
        } catch (VaultException | IllegalArgumentException e) {
            leases.revokeAtOnce(leaseId, e);
            throw e;
        }
    }

    /** client.go's wording for an OpenAI 404, as the engine passes it on when a revoke's delete fails. */
    private static final Pattern OPENAI_404 = Pattern.compile("\\bAPI error \\(404\\)");

    private static final Pattern OPENAI_429 = Pattern.compile("\\bAPI error \\(429\\)");

    /**
     * Whether the engine failed because OpenAI rate-limited it: the engine does not retry OpenAI,
     * and the call that got the 429 created nothing, so the request may be sent again.
     */
    static boolean openAiRateLimited(VaultException e) {
        return e.status() == 500 && e.serverErrors().stream().anyMatch(s -> OPENAI_429.matcher(s).find());
    }

    /**
     * Whether a failed lease revoke failed only because OpenAI no longer has the service account:
     * the engine turns that 404 into an error (plugin/path_dynamic_creds.go, dynamicCredsRevoke).
     */
    static boolean accountAlreadyGone(VaultException e) {
        return e.serverErrors().stream()
                .anyMatch(s -> s.contains("deleting service account") && OPENAI_404.matcher(s).find());
    }

    /**
     * Whether the engine may have created an account although the read failed: it answered
     * 5xx (not sealed), or the answer was lost after the request went out.
     */
    static boolean mayHaveCreated(VaultException e) {
        return switch (e.kind()) {
            case SERVER_ERROR -> e.status() >= 500;
            case UNREACHABLE -> !(e.getCause() instanceof ConnectException);
            case MALFORMED_RESPONSE -> true;
            default -> false;
        };
    }

    private static void warnPossibleOrphan(String mount, String role, VaultException e) {
        LOG.log(Level.WARNING, "Reading {0}/creds/{1} failed ({2}); Vault''s OpenAI engine may have created a "
                + "service account for engine role {1} before failing, which no lease covers: look for an account "
                + "named by that role''s service_account_name_template in its project and delete it",
                new Object[] {mount, role, e.getMessage()});
    }

    private EngineCredentials parse(VaultRequest req, JsonNode body, String leaseId) {
        JsonNode data = body.path("data");
        String key = data.path("api_key").asText("");
        String keyId = data.path("api_key_id").asText(null);
        String saId = data.path("service_account_id").asText(null);
        if (key.isEmpty() || keyId == null || saId == null || !body.path("lease_duration").isNumber()) {
            throw VaultErrors.malformed(session.http().endpoint().address(), req,
                    "no data.api_key/api_key_id/service_account_id or lease_duration");
        }
        return new EngineCredentials(leaseId, Duration.ofSeconds(body.path("lease_duration").asLong()),
                body.path("renewable").asBoolean(false), SecretString.of(key), keyId,
                data.path("service_account").asText(null), saId);
    }

    Map<String, Object> readConfig(String mount) {
        String m = VaultPaths.clean(mount, "OpenAI secrets engine mount");
        VaultRequest req = VaultRequest.get(VaultPaths.join(m, "config"), "read engine config");
        return dataMap(req, session.call(req));
    }

    Map<String, Object> rotate(String mount) {
        String m = VaultPaths.clean(mount, "OpenAI secrets engine mount");
        VaultRequest req = VaultRequest.post(VaultPaths.join(m, "config", "rotate"), Map.of(), "rotate admin key")
                .notReplayable();
        Map<String, Object> out = dataMap(req, session.call(req));
        LOG.log(Level.INFO, "Vault engine {0} rotated its admin key; new key id {1}",
                new Object[] {m, out.get("admin_api_key_id")});
        return out;
    }

    private Map<String, Object> dataMap(VaultRequest req, JsonNode body) {
        JsonNode data = body == null ? null : body.get("data");
        if (data == null || !data.isObject()) {
            throw VaultErrors.malformed(session.http().endpoint().address(), req, "no data object");
        }
        Map<String, Object> out = new LinkedHashMap<>(session.http().mapper()
                .convertValue(data, new TypeReference<Map<String, Object>>() { }));
        // Never hand an admin key onwards, even if a future engine version echoes it.
        out.keySet().removeIf(k -> k.equals("admin_api_key") || k.endsWith("_key") && !k.endsWith("_id"));
        if (out.values().stream().anyMatch(v -> v instanceof String s && s.startsWith("sk-"))) {
            out.entrySet().removeIf(e -> e.getValue() instanceof String s && s.startsWith("sk-"));
        }
        return out;
    }
}
