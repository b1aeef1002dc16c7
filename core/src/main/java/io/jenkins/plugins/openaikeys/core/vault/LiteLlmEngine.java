package io.jenkins.plugins.openaikeys.core.vault;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.openaikeys.core.SecretString;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The vault-plugin-secrets-litellm mount: a {@code creds/<role>} read generates a LiteLLM virtual
 * key under a lease (data {@code key}, {@code token_id}, {@code key_alias}, {@code expires}; the
 * engine's role fixes models, budget and TTL, so no {@code ttl} is sent); revoking the lease makes
 * the engine delete the key by alias, and a key LiteLLM already expired counts as deleted there.
 * Same guard as {@link OpenAiEngine}: a lease dies with the token that created it, so a key is only
 * kept when the token outlives its lease, and is revoked at once otherwise.
 */
final class LiteLlmEngine {

    private static final Logger LOG = Logger.getLogger(LiteLlmEngine.class.getName());

    private final VaultSession session;
    private final Leases leases;

    LiteLlmEngine(VaultSession session, Leases leases) {
        this.session = session;
        this.leases = leases;
    }

    /** @param expectedTtl the TTL the build asked for: the token must outlive at least that much up front */
    LiteLlmCredentials readCreds(String mount, String role, Duration expectedTtl) {
        String m = VaultPaths.clean(mount, "LiteLLM secrets engine mount");
        String r = VaultPaths.clean(role, "LiteLLM engine role");
        if (r.contains("/")) {
            throw new IllegalArgumentException("The LiteLLM engine role '" + r + "' must not contain '/'");
        }
        String api = VaultPaths.join(m, "creds", r);
        // Never replayed: a 5xx may follow a generate at the proxy, and the engine names keys itself.
        VaultRequest req = VaultRequest.get(api, "read credentials").notReplayable();
        VaultSession.Authed answer;
        try {
            answer = session.call(req, expectedTtl == null ? Duration.ZERO : expectedTtl.plus(OpenAiEngine.LEASE_MARGIN));
        } catch (VaultException e) {
            if (OpenAiEngine.mayHaveCreated(e)) {
                LOG.log(Level.WARNING, "Reading {0} failed ({1}); the LiteLLM engine may have generated a key for"
                        + " engine role {2} before failing, which no lease covers: it expires at the proxy by itself;"
                        + " look for alias vault-{2}-… in LiteLLM to delete it sooner", new Object[] {api, e.getMessage(), r});
            }
            throw e;
        }
        JsonNode body = answer.body();
        String leaseId = body == null ? null : body.path("lease_id").asText(null);
        if (leaseId == null || leaseId.isEmpty()) {
            throw VaultErrors.malformed(session.http().endpoint().address(), req, "no lease_id");
        }
        try {
            LiteLlmCredentials creds = parse(req, body, leaseId);
            if (!session.extend(answer.token(), creds.leaseDuration().plus(OpenAiEngine.LEASE_MARGIN))) {
                throw VaultTokenCache.tooShort(creds.leaseDuration().plus(OpenAiEngine.LEASE_MARGIN));
            }
            LOG.log(Level.FINE, "Vault LiteLLM engine {0} issued {1}", new Object[] {api, creds});
            return creds;
        } catch (VaultException | IllegalArgumentException e) {
            leases.revokeAtOnce(leaseId, e);
            throw e;
        }
    }

    private LiteLlmCredentials parse(VaultRequest req, JsonNode body, String leaseId) {
        JsonNode data = body.path("data");
        String key = data.path("key").asText("");
        String alias = text(data, "key_alias");
        if (key.isEmpty() || alias == null || !body.path("lease_duration").isNumber()) {
            throw VaultErrors.malformed(session.http().endpoint().address(), req,
                    "no data.key/key_alias or lease_duration (is this mount vault-plugin-secrets-litellm?)");
        }
        List<String> models = new ArrayList<>();
        data.path("models").forEach(n -> models.add(n.asText()));
        BigDecimal budget = data.path("max_budget").isNumber() ? data.path("max_budget").decimalValue() : null;
        return new LiteLlmCredentials(leaseId, Duration.ofSeconds(body.path("lease_duration").asLong()),
                body.path("renewable").asBoolean(false), SecretString.of(key), text(data, "token_id"), alias,
                instant(text(data, "expires")), models, budget);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() || v.asText().isEmpty() ? null : v.asText();
    }

    private static Instant instant(String text) {
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
