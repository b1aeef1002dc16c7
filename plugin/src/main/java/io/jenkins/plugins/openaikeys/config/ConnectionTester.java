package io.jenkins.plugins.openaikeys.config;

import hudson.Util;
import hudson.util.FormValidation;
import io.jenkins.plugins.openaikeys.core.EphemeralKeyException;
import io.jenkins.plugins.openaikeys.core.vault.KvSecret;
import io.jenkins.plugins.openaikeys.core.vault.VaultClient;
import io.jenkins.plugins.openaikeys.runtime.KeyRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * "Test connection": logs in to Vault with the saved settings (with a private token cache, so
 * the login really happens) and reads what every organization needs, reporting one sentence
 * per check. Reads only; never mints, never shows a secret (field names, not values).
 */
final class ConnectionTester {

    private static final Logger LOGGER = Logger.getLogger(ConnectionTester.class.getName());

    /** The KV v2 fields an Admin API organization's secret must carry. */
    static final List<String> REQUIRED_ADMIN_FIELDS = List.of("admin_api_key", "admin_api_key_id", "organization_id");

    private final OpenAIKeysConfiguration config;

    ConnectionTester(OpenAIKeysConfiguration config) {
        this.config = config;
    }

    /** Vault login, then every organization: one line each, coloured by its own outcome. */
    FormValidation run() {
        List<FormValidation> lines = new ArrayList<>();
        VaultClient vault;
        try {
            vault = login();
        } catch (EphemeralKeyException | IllegalArgumentException e) {
            return FormValidation.error("Vault login failed: " + e.getMessage());
        }
        lines.add(FormValidation.ok("Logged in to Vault at " + config.getVaultAddress() + "."));
        if (config.getOrganizations().isEmpty()) {
            lines.add(FormValidation.warning("No organization is configured yet: add one and save."));
        }
        for (OrganizationConfig org : config.getOrganizations()) {
            lines.add(checkOne(vault, org));
        }
        return FormValidation.aggregate(lines);
    }

    /** The saved organization of that name alone (its block's button), after a Vault login. */
    FormValidation run(String organization) {
        OrganizationConfig org = config.findOrganization(organization);
        if (org == null) {
            return FormValidation.error("Organization '" + Util.fixNull(organization) + "' is not saved yet: save"
                    + " the page, then test it.");
        }
        try {
            return checkOne(login(), org);
        } catch (EphemeralKeyException | IllegalArgumentException e) {
            return FormValidation.error("Vault login failed: " + e.getMessage());
        }
    }

    private VaultClient login() {
        VaultClient vault = KeyRuntime.get().vaultClientWithFreshLogin();
        vault.checkConnection();
        return vault;
    }

    private static FormValidation checkOne(VaultClient vault, OrganizationConfig org) {
        try {
            return FormValidation.ok(check(vault, org));
        } catch (EphemeralKeyException | IllegalArgumentException e) {
            LOGGER.log(Level.FINE, "Test connection: organization {0}: {1}", new Object[] {org.getName(), e.getMessage()});
            return FormValidation.error("Organization " + org.getName() + ": " + e.getMessage());
        }
    }

    private static String check(VaultClient vault, OrganizationConfig org) {
        if (org instanceof AdminApiOrganization a) {
            KvSecret secret = vault.kvRead(a.getKvMount(), a.getKvPath());
            List<String> missing = new ArrayList<>();
            for (String f : REQUIRED_ADMIN_FIELDS) {
                if (!secret.fieldNames().contains(f)) {
                    missing.add(f);
                }
            }
            if (!missing.isEmpty()) {
                throw new EphemeralKeyException("the KV secret " + a.getKvMount() + "/" + a.getKvPath() + " (version "
                        + secret.version() + ") lacks " + String.join(", ", missing) + ": add the field(s)");
            }
            return "Organization " + a.getName() + ": admin configuration found at " + a.getKvMount() + "/"
                    + a.getKvPath() + " (version " + secret.version() + ", OpenAI organization "
                    + secret.field("organization_id") + ").";
        }
        if (org instanceof VaultEngineOrganization e) {
            vault.readEngineConfig(e.getEngineMount());
            return "Organization " + e.getName() + ": secrets engine configuration readable at " + e.getEngineMount()
                    + "/config.";
        }
        if (org instanceof LiteLlmProxyOrganization p) {
            KvSecret secret = vault.kvRead(p.getKvMount(), p.getKvPath());
            List<String> missing = new ArrayList<>();
            for (String f : List.of("base_url", "master_key")) {
                if (secret.field(f) == null || secret.field(f).isBlank()) {
                    missing.add(f);
                }
            }
            if (!missing.isEmpty()) {
                throw new EphemeralKeyException("the KV secret " + p.getKvMount() + "/" + p.getKvPath() + " (version "
                        + secret.version() + ") lacks " + String.join(", ", missing) + ": add the field(s)");
            }
            return "Organization " + p.getName() + ": LiteLLM proxy configuration found at " + p.getKvMount() + "/"
                    + p.getKvPath() + " (version " + secret.version() + ", proxy " + secret.field("base_url") + ").";
        }
        if (org instanceof LiteLlmEngineOrganization l) {
            vault.readEngineConfig(l.getEngineMount());
            return "Organization " + l.getName() + ": LiteLLM secrets engine configuration readable at "
                    + l.getEngineMount() + "/config; builds will call " + l.getProxyUrl() + ".";
        }
        throw new EphemeralKeyException("unknown organization kind");
    }
}
