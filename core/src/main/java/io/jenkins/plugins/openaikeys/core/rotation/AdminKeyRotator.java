package io.jenkins.plugins.openaikeys.core.rotation;

import io.jenkins.plugins.openaikeys.core.EphemeralKeyException;
import io.jenkins.plugins.openaikeys.core.SecretString;
import io.jenkins.plugins.openaikeys.core.http.ClientSettings;
import io.jenkins.plugins.openaikeys.core.openai.AdminKey;
import io.jenkins.plugins.openaikeys.core.openai.CreatedAdminKey;
import io.jenkins.plugins.openaikeys.core.openai.OpenAiAdminClient;
import io.jenkins.plugins.openaikeys.core.openai.OpenAiException;
import io.jenkins.plugins.openaikeys.core.rotation.RotationResult.Outcome;
import io.jenkins.plugins.openaikeys.core.source.AdminConfig;
import io.jenkins.plugins.openaikeys.core.vault.KvSecret;
import io.jenkins.plugins.openaikeys.core.vault.VaultClient;
import io.jenkins.plugins.openaikeys.core.vault.VaultException;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Rotates the admin key of an {@code adminApi} organization, whose admin config lives in one
 * Vault KV v2 secret ({@code admin_api_key}, {@code admin_api_key_id}, {@code organization_id},
 * optional {@code api_endpoint}; {@code custom_metadata.last_rotated}).
 *
 * <p>The order is what makes it safe with several controllers and lossy networks: create the
 * new key with the current one → check that it works → store it with check-and-set on the
 * version read → record {@code last_rotated} (and the old key id as pending) → delete the old
 * key with the new one. Whoever loses the check-and-set deletes what it created. A write whose
 * answer was lost is not repeated (the Vault client never replays it) but confirmed by reading
 * back. Whatever cannot be deleted at once is recorded in {@code pending_delete_admin_key_id}
 * and deleted on the next run, never the key Vault currently holds.
 *
 * <p>Thread-safe; one run at a time per instance. Results and log lines carry ids only.
 */
public final class AdminKeyRotator implements Rotator {

    private static final Logger LOG = Logger.getLogger(AdminKeyRotator.class.getName());
    /** Prefix of the admin keys this plugin creates, so an operator can tell them apart. */
    public static final String NAME_PREFIX = "jenkins-openai-ephemeral-keys-";

    /** Builds an Admin API client for one endpoint and key (a seam for the wiring, not for callers). */
    @FunctionalInterface
    interface ClientFactory {
        OpenAiAdminClient create(String baseUrl, SecretString adminKey, String organizationId);
    }

    private final String organization;
    private final VaultClient vault;
    private final String mount;
    private final String path;
    private final RotationMetadata metadata;
    private final ClientFactory clients;
    private final Clock clock;
    private final Supplier<String> names;
    private final Runnable afterKeyChange;
    private final AdminKeyLifetime lifetime;

    private AdminKeyRotator(Builder b) {
        this.lifetime = b.lifetime;
        this.organization = b.organization;
        this.vault = b.vault;
        this.mount = b.mount;
        this.path = b.path;
        this.metadata = new RotationMetadata(vault, mount, path);
        this.clock = b.settings.clock();
        this.afterKeyChange = b.afterKeyChange;
        ClientSettings shared = b.settings.withOwnHttpClient(); // one pool for the current and the new key
        this.clients = b.clients != null ? b.clients
                : (url, key, org) -> OpenAiAdminClient.builder().baseUrl(url).adminKey(key).organizationId(org)
                .settings(shared).build();
        this.names = b.names != null ? b.names : defaultNames(clock);
    }

    /**
     * @param organization the organization's name in the plugin configuration (for results and logs)
     * @param kvMount      KV v2 mount of the admin config, e.g. {@code secret}
     * @param kvPath       path of the admin config in it
     */
    public static Builder builder(String organization, VaultClient vault, String kvMount, String kvPath) {
        return new Builder(organization, vault, kvMount, kvPath);
    }

    @Override
    public String organization() {
        return organization;
    }

    /** {@code last_rotated} and pending deletions from the secret's custom_metadata. */
    @Override
    public RotationStatus status() {
        return RotationMetadata.status(vault.kvReadCustomMetadata(mount, path));
    }

    @Override
    public synchronized RotationResult rotate() {
        Instant at = clock.instant();
        Current cur;
        try {
            cur = readCurrent();
        } catch (EphemeralKeyException | IllegalArgumentException e) {
            return result(Outcome.FAILED, null, null, at, "Could not read the admin config " + location()
                    + " for rotation (" + EphemeralKeyException.safeMessage(e) + "): nothing was changed");
        }
        List<String> stillPending = deletePendingWith(cur);

        String name = names.get();
        CreatedAdminKey created;
        try {
            created = cur.client.createAdminKey(name, lifetime.value());
        } catch (OpenAiException e) {
            String leftover = e.status() == 0 || e.status() >= 500 ? deleteByName(cur.client, name) : "";
            return result(Outcome.FAILED, cur.keyId, null, at, "Could not create a new admin key for organization '"
                    + organization + "' with admin key " + cur.keyId + " (" + EphemeralKeyException.safeMessage(e) + "): nothing was changed"
                    + leftover);
        }
        String newId = created.key().id();
        SecretString newKey = created.value();
        LOG.log(Level.INFO, "Created admin key {0} ({1}) for organization ''{2}''", new Object[] {newId, name,
                organization});

        OpenAiAdminClient newClient;
        try {
            newClient = clients.create(cur.endpoint, newKey, cur.orgId);
            verify(newClient, newId);
        } catch (EphemeralKeyException | IllegalArgumentException e) {
            return result(Outcome.FAILED, cur.keyId, null, at, "New admin key " + newId + " of organization '"
                    + organization + "' did not work (" + EphemeralKeyException.safeMessage(e) + "), so admin key " + cur.keyId
                    + " stays in use" + deleteCreated(newId, cur.client, null, cur.keyId));
        }

        int newVersion;
        try {
            newVersion = vault.kvWrite(mount, path, withNewKey(cur.secret, newKey, newId), cur.secret.version());
        } catch (VaultException e) {
            return afterFailedWrite(e, cur, newId, newClient, at);
        }
        return finish(cur, newId, newClient, newVersion, stillPending, at);
    }

    /** Deletes admin keys earlier runs could not delete, with the key Vault holds now. */
    @Override
    public synchronized RotationResult deletePending() {
        Instant at = clock.instant();
        Current cur;
        try {
            cur = readCurrent();
        } catch (EphemeralKeyException | IllegalArgumentException e) {
            return result(Outcome.FAILED, null, null, at, "Could not read the admin config " + location()
                    + " to delete old admin keys (" + EphemeralKeyException.safeMessage(e) + "): the next run tries again");
        }
        List<String> before = RotationMetadata.pending(cur.secret.customMetadata());
        if (before.isEmpty()) {
            return result(Outcome.NOT_DUE, cur.keyId, cur.keyId, at, "No old admin key of organization '"
                    + organization + "' waits to be deleted");
        }
        List<String> left = deletePendingWith(cur);
        if (left.isEmpty()) {
            return result(Outcome.CLEANED_UP, cur.keyId, cur.keyId, at, "Deleted old admin key(s) " + before
                    + " of organization '" + organization + "'");
        }
        return result(Outcome.FAILED, cur.keyId, cur.keyId, at, "Could not delete old admin key(s) " + left
                + " of organization '" + organization + "': the next run tries again, or delete them in the"
                + " OpenAI dashboard");
    }

    // ---------------------------------------------------------------- steps

    /** The secret as read, and a client with its key. */
    private record Current(KvSecret secret, String keyId, String orgId, String endpoint, OpenAiAdminClient client) {
    }

    private Current readCurrent() {
        KvSecret s = vault.kvRead(mount, path);
        String keyId = required(s, AdminConfig.ADMIN_API_KEY_ID);
        String orgId = required(s, AdminConfig.ORGANIZATION_ID);
        SecretString key = s.secretField(AdminConfig.ADMIN_API_KEY);
        String endpoint = s.field(AdminConfig.API_ENDPOINT);
        endpoint = endpoint == null || endpoint.isBlank() ? AdminConfig.DEFAULT_API_ENDPOINT : endpoint.trim();
        return new Current(s, keyId, orgId, endpoint, clients.create(endpoint, key, orgId));
    }

    private String required(KvSecret s, String field) {
        String v = s.field(field);
        if (v == null || v.isBlank()) {
            throw new RotationException("The admin config " + location() + " has no field " + field + ": add it");
        }
        return v.trim();
    }

    private static void verify(OpenAiAdminClient client, String newId) {
        List<AdminKey> keys = client.listAdminKeys();
        if (keys.stream().noneMatch(k -> newId.equals(k.id()))) {
            throw new RotationException("OpenAI does not list admin key " + newId + " to itself");
        }
    }

    /** Every field as read (endpoint, organization, anything else), with the new key and id. */
    private static Map<String, String> withNewKey(KvSecret s, SecretString newKey, String newId) {
        Map<String, String> data = new LinkedHashMap<>();
        for (String f : s.fieldNames()) {
            data.put(f, s.field(f));
        }
        data.put(AdminConfig.ADMIN_API_KEY, newKey.reveal());
        data.put(AdminConfig.ADMIN_API_KEY_ID, newId);
        return data;
    }

    private RotationResult afterFailedWrite(VaultException e, Current cur, String newId, OpenAiAdminClient newClient,
                                            Instant at) {
        if (e.kind() == VaultException.Kind.CAS_MISMATCH) {
            return lostRace(cur, newId, newClient, at);
        }
        if (!ambiguous(e)) {
            return result(Outcome.FAILED, cur.keyId, null, at, "Could not store new admin key " + newId + " in "
                    + location() + " (" + EphemeralKeyException.safeMessage(e) + "), so admin key " + cur.keyId + " stays in use"
                    + deleteCreated(newId, cur.client, null, cur.keyId));
        }
        KvSecret now;
        try {
            now = vault.kvRead(mount, path);
        } catch (VaultException again) {
            LOG.log(Level.WARNING, "Vault did not confirm the write of admin key {0} to {1}: {2}",
                    new Object[] {newId, location(), EphemeralKeyException.safeMessage(again)});
            return result(Outcome.UNKNOWN, cur.keyId, newId, at, "Vault did not confirm storing new admin key " + newId
                    + " in " + location() + " (" + EphemeralKeyException.safeMessage(e) + "): read " + location() + "; if it holds "
                    + newId + " delete old admin key " + cur.keyId + ", otherwise delete " + newId
                    + " in the OpenAI dashboard");
        }
        String storedId = now.field(AdminConfig.ADMIN_API_KEY_ID);
        if (newId.equals(storedId)) {
            LOG.log(Level.INFO, "Vault lost the answer but {0} version {1} holds admin key {2}: continuing",
                    new Object[] {location(), now.version(), newId});
            return finish(cur, newId, newClient, now.version(), RotationMetadata.pending(now.customMetadata()), at);
        }
        if (now.version() != cur.secret.version()) {
            return lostRace(cur, newId, newClient, at);
        }
        return result(Outcome.FAILED, cur.keyId, null, at, "Vault did not store new admin key " + newId + " in "
                + location() + " (" + EphemeralKeyException.safeMessage(e) + "), so admin key " + cur.keyId + " stays in use"
                + deleteCreated(newId, cur.client, null, cur.keyId));
    }

    /** Another writer stored a key first: delete ours, preferably with the key Vault holds now. */
    private RotationResult lostRace(Current cur, String newId, OpenAiAdminClient newClient, Instant at) {
        OpenAiAdminClient winnerClient = null;
        String winnerId = null;
        try {
            Current winner = readCurrent();
            winnerId = winner.keyId;
            if (!newId.equals(winnerId)) {
                winnerClient = winner.client;
            }
        } catch (EphemeralKeyException | IllegalArgumentException e) {
            LOG.log(Level.FINE, "Could not read the winner of the rotation race on {0}: {1}",
                    new Object[] {location(), EphemeralKeyException.safeMessage(e)});
        }
        runHook();
        String cleanup = deleteCreated(newId, winnerClient, cur.client, newClient, winnerId);
        Outcome outcome = cleanup.isEmpty() ? Outcome.ROTATED_ELSEWHERE : Outcome.FAILED;
        return result(outcome, cur.keyId, winnerId, at, "The admin key of organization '" + organization
                + "' was rotated by someone else" + (winnerId == null ? "" : " (now " + winnerId + ")")
                + (cleanup.isEmpty() ? "; admin key " + newId + " created here was deleted" : cleanup));
    }

    /** After the key is stored: bookkeeping, cache hook, then the old key goes. */
    private RotationResult finish(Current cur, String newId, OpenAiAdminClient newClient, int newVersion,
                                  List<String> pending, Instant at) {
        String oldId = cur.keyId;
        String warning = null;
        boolean recorded = true;
        try {
            metadata.update(m -> {
                m.put(RotationMetadata.LAST_ROTATED, at.toString());
                RotationMetadata.addPending(m, oldId);
            });
        } catch (VaultException e) {
            recorded = false;
            warning = "could not record last_rotated in " + location() + " (" + EphemeralKeyException.safeMessage(e)
                    + "), so the next run may rotate again early";
        }
        runHook();
        LOG.log(Level.INFO, "Stored admin key {0} of organization ''{1}'' in {2} version {3}",
                new Object[] {newId, organization, location(), newVersion});
        try {
            newClient.deleteAdminKey(oldId);
        } catch (OpenAiException e) {
            String what = "Rotated the admin key of organization '" + organization + "' to " + newId
                    + ", but could not delete old admin key " + oldId + " (" + EphemeralKeyException.safeMessage(e) + "): "
                    + (recorded ? "the next run tries again, or " : "") + "delete it in the OpenAI dashboard"
                    + (warning == null ? "" : "; also " + warning);
            return result(Outcome.ROTATED_WITH_WARNING, oldId, newId, at, what);
        }
        if (recorded) {
            try {
                metadata.update(m -> RotationMetadata.removePending(m, List.of(oldId)));
            } catch (VaultException e) {
                LOG.log(Level.FINE, "Old admin key {0} stays listed as pending in {1} ({2}); the next run finds it"
                        + " gone", new Object[] {oldId, location(), EphemeralKeyException.safeMessage(e)});
            }
        }
        if (warning != null) {
            return result(Outcome.ROTATED_WITH_WARNING, oldId, newId, at, "Rotated the admin key of organization '"
                    + organization + "' from " + oldId + " to " + newId + ", but " + warning);
        }
        String leftover = pending.isEmpty() ? "" : "; old admin key(s) " + pending + " still wait to be deleted";
        return result(Outcome.ROTATED, oldId, newId, at, "Rotated the admin key of organization '" + organization
                + "' from " + oldId + " to " + newId + leftover);
    }

    /**
     * Deletes the admin key this run created, trying each client in turn; "" when done, else a
     * clause naming the key (which is then recorded for the next run).
     *
     * @param keepId the key Vault holds now: never deleted
     */
    private String deleteCreated(String newId, OpenAiAdminClient first, OpenAiAdminClient second,
                                 OpenAiAdminClient third, String keepId) {
        if (newId.equals(keepId)) {
            return "";
        }
        String reason = "no usable admin key";
        for (OpenAiAdminClient c : new OpenAiAdminClient[] {first, second, third}) {
            if (c == null) {
                continue;
            }
            try {
                c.deleteAdminKey(newId);
                LOG.log(Level.INFO, "Deleted admin key {0} again (organization ''{1}'')", new Object[] {newId,
                        organization});
                return "";
            } catch (OpenAiException e) {
                reason = EphemeralKeyException.safeMessage(e);
            }
        }
        boolean recorded = recordPending(newId);
        return "; admin key " + newId + " created here could not be deleted (" + reason + "): "
                + (recorded ? "the next run tries again, or " : "") + "delete it in the OpenAI dashboard";
    }

    private String deleteCreated(String newId, OpenAiAdminClient with, OpenAiAdminClient alsoWith, String keepId) {
        String clause = deleteCreated(newId, with, alsoWith, null, keepId);
        return clause.isEmpty() ? "; the new key was deleted again" : clause;
    }

    private boolean recordPending(String keyId) {
        try {
            metadata.update(m -> RotationMetadata.addPending(m, keyId));
            return true;
        } catch (VaultException e) {
            return false;
        }
    }

    /** After an ambiguous create: find the key by its unique name and delete it. */
    private String deleteByName(OpenAiAdminClient client, String name) {
        try {
            for (AdminKey k : client.listAdminKeys()) {
                if (name.equals(k.name())) {
                    client.deleteAdminKey(k.id());
                    LOG.log(Level.INFO, "Deleted admin key {0} ({1}) created by a lost request", new Object[] {k.id(),
                            name});
                }
            }
            return "";
        } catch (OpenAiException e) {
            return "; if the organization lists an admin key named " + name + ", delete it";
        }
    }

    /** Retries earlier deletions with the current key; returns the ids still pending. */
    private List<String> deletePendingWith(Current cur) {
        List<String> pending = RotationMetadata.pending(cur.secret.customMetadata());
        if (pending.isEmpty()) {
            return List.of();
        }
        List<String> done = new ArrayList<>();
        List<String> left = new ArrayList<>();
        for (String id : pending) {
            if (id.equals(cur.keyId)) {
                done.add(id); // Vault holds it: never delete, just stop tracking it
                continue;
            }
            try {
                cur.client.deleteAdminKey(id);
                done.add(id);
                LOG.log(Level.INFO, "Deleted old admin key {0} of organization ''{1}''", new Object[] {id,
                        organization});
            } catch (OpenAiException e) {
                left.add(id);
                LOG.log(Level.WARNING, "Still cannot delete old admin key {0} of organization ''{1}'': {2}",
                        new Object[] {id, organization, EphemeralKeyException.safeMessage(e)});
            }
        }
        if (!done.isEmpty()) {
            try {
                metadata.update(m -> RotationMetadata.removePending(m, done));
            } catch (VaultException e) {
                LOG.log(Level.FINE, "Could not update pending deletions in {0}: {1}", new Object[] {location(),
                        EphemeralKeyException.safeMessage(e)});
            }
        }
        return left;
    }

    private static boolean ambiguous(VaultException e) {
        return switch (e.kind()) {
            case UNREACHABLE, SERVER_ERROR, MALFORMED_RESPONSE -> true;
            default -> false;
        };
    }

    private RotationResult result(Outcome outcome, String oldId, String newId, Instant at, String message) {
        LOG.log(outcome.needsAttention() ? Level.WARNING : Level.INFO, "Admin key rotation of organization"
                + " ''{0}'': {1}", new Object[] {organization, message});
        return new RotationResult(organization, outcome, oldId, newId, at, message);
    }

    /** The cache hook must not turn a finished rotation into a failure. */
    private void runHook() {
        try {
            afterKeyChange.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "The after-rotation hook of organization ''{0}'' failed: {1}",
                    new Object[] {organization, EphemeralKeyException.safeMessage(e)});
        }
    }

    private String location() {
        return mount + "/" + path;
    }

    private static Supplier<String> defaultNames(Clock clock) {
        SecureRandom random = new SecureRandom();
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        return () -> {
            StringBuilder b = new StringBuilder(NAME_PREFIX).append(clock.instant().getEpochSecond()).append('-');
            for (int i = 0; i < 6; i++) {
                b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            return b.toString();
        };
    }

    @Override
    public String toString() {
        return "AdminKeyRotator{" + organization + ", " + location() + "}";
    }

    /** Wiring with safe defaults: {@link ClientSettings#DEFAULTS}, no cache hook. */
    public static final class Builder {
        private final String organization;
        private final VaultClient vault;
        private final String mount;
        private final String path;
        private ClientSettings settings = ClientSettings.DEFAULTS;
        private Runnable afterKeyChange = () -> { };
        private Supplier<String> names;
        private ClientFactory clients;
        private AdminKeyLifetime lifetime = AdminKeyLifetime.LONGEST;

        private Builder(String organization, VaultClient vault, String mount, String path) {
            this.organization = Objects.requireNonNull(organization, "organization");
            this.vault = Objects.requireNonNull(vault, "vault");
            this.mount = Objects.requireNonNull(mount, "mount");
            this.path = Objects.requireNonNull(path, "path");
        }

        /**
         * Runs whenever Vault holds a different admin key after a run (rotated here or elsewhere):
         * pass the broker's {@code AdminConfigCache::invalidate} so the next mint reads the new key.
         */
        public Builder afterKeyChange(Runnable hook) {
            this.afterKeyChange = Objects.requireNonNull(hook);
            return this;
        }

        /**
         * The shared client (whose pool the OpenAI clients reuse), retry policy, clock and sleeper
         * (default {@link ClientSettings#DEFAULTS}).
         */
        public Builder settings(ClientSettings s) {
            this.settings = Objects.requireNonNull(s);
            return this;
        }

        /** Names for new admin keys; each must be unique (default {@code jenkins-openai-ephemeral-keys-<unix>-<rand>}). */
        public Builder names(Supplier<String> uniqueNames) {
            this.names = Objects.requireNonNull(uniqueNames);
            return this;
        }

        /**
         * How long each new admin key lives at OpenAI; default {@link AdminKeyLifetime#LONGEST} (365 days).
         * The plugin passes {@code AdminKeyLifetime.forSchedule(schedule, margin)}.
         */
        public Builder keyLifetime(AdminKeyLifetime l) {
            this.lifetime = Objects.requireNonNull(l);
            return this;
        }

        Builder clientFactory(ClientFactory factory) {
            this.clients = factory;
            return this;
        }

        public AdminKeyRotator build() {
            return new AdminKeyRotator(this);
        }
    }
}
