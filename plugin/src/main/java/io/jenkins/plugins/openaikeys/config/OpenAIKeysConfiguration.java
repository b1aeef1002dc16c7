package io.jenkins.plugins.openaikeys.config;

import hudson.BulkChange;
import hudson.DescriptorExtensionList;
import hudson.Extension;
import hudson.ExtensionList;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import io.jenkins.plugins.openaikeys.config.vault.VaultAuthConfig;
import io.jenkins.plugins.openaikeys.core.EphemeralKeyException;
import io.jenkins.plugins.openaikeys.core.broker.BrokerException;
import io.jenkins.plugins.openaikeys.core.policy.ServiceAccountNames;
import io.jenkins.plugins.openaikeys.core.rotation.AdminKeyLifetime;
import io.jenkins.plugins.openaikeys.core.rotation.RotationSchedule;
import io.jenkins.plugins.openaikeys.core.vault.PemCertificates;
import io.jenkins.plugins.openaikeys.core.vault.VaultEndpoint;
import io.jenkins.plugins.openaikeys.rotation.AdminKeyRotationWork;
import io.jenkins.plugins.openaikeys.runtime.KeyRuntime;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import jenkins.model.GlobalConfiguration;
import jenkins.model.Jenkins;
import net.sf.json.JSONObject;
import org.jenkinsci.Symbol;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.interceptor.RequirePOST;

/**
 * Manage Jenkins → System → "OpenAI Ephemeral Keys": the Vault connection, the OpenAI
 * organizations, the roles, and the rotation/sweeper schedules; JCasC symbol
 * {@code openAIKeys} under {@code unclassified}.
 *
 * <p>Settings only: the broker, ledger, HTTP client and token cache built from them live in
 * {@link KeyRuntime}, which rebuilds after each {@link #save()} (see {@link #generation()}).
 *
 * <p>A submitted form and a JCasC file are each the <em>whole</em> configuration: what they omit
 * (an emptied role list, a cleared namespace) returns to its default. Both start from
 * {@link #resetToDefaults()}, bind, are checked by {@link ConfigurationCheck} and are either
 * refused with sentences naming each role or organization (nothing changes) or saved once, in
 * a {@link BulkChange}. The broker is rebuilt only after that save, so a mint never sees half
 * a configuration.
 */
@Extension
@Symbol("openAIKeys")
public class OpenAIKeysConfiguration extends GlobalConfiguration {

    static final String DEFAULT_ROTATION_PERIOD = ConfigDurations.DEFAULT_ROTATION_PERIOD;
    static final String DEFAULT_SWEEPER_INTERVAL = "1h";
    static final String DEFAULT_SWEEPER_GRACE = "10m";
    static final String DEFAULT_RETRY_INTERVAL = "5m";
    static final String DEFAULT_ADMIN_KEY_EXPIRY_MARGIN = "7d";
    static final String DEFAULT_ADMIN_CONFIG_RECHECK = "30s";

    // --- persisted settings (config.xml: io.jenkins.plugins.openaikeys.config.OpenAIKeysConfiguration.xml)
    private String vaultAddress;
    private String vaultNamespace;
    private String vaultCaCertificate;
    private boolean insecureSkipTlsVerification;
    private String adminConfigRecheck = DEFAULT_ADMIN_CONFIG_RECHECK;
    private VaultAuthConfig vaultAuth;
    private List<OrganizationConfig> organizations = new ArrayList<>();
    private List<RoleConfig> roles = new ArrayList<>();
    private String namePrefix = ServiceAccountNames.DEFAULT_PREFIX;
    private boolean rotationEnabled;
    private String rotationPeriod = DEFAULT_ROTATION_PERIOD;
    private String rotationWindow;
    private String adminKeyExpiryMargin = DEFAULT_ADMIN_KEY_EXPIRY_MARGIN;
    private boolean sweeperEnabled = true;
    private String sweeperInterval = DEFAULT_SWEEPER_INTERVAL;
    private String sweeperGrace = DEFAULT_SWEEPER_GRACE;
    private boolean sweeperDryRun;
    private String revocationRetryInterval = DEFAULT_RETRY_INTERVAL;

    // --- runtime state, never persisted
    /** Bumped by every save(); the runtime rebuilds its broker when it no longer matches. */
    private transient volatile long generation;

    public OpenAIKeysConfiguration() {
        load();
    }

    /** The singleton instance. */
    public static OpenAIKeysConfiguration get() {
        return ExtensionList.lookupSingleton(OpenAIKeysConfiguration.class);
    }

    @Override
    public String getDisplayName() {
        return "OpenAI Ephemeral Keys";
    }

    /** Saves and makes the next mint rebuild the broker; inside a {@link BulkChange}, only its commit does. */
    @Override
    public synchronized void save() {
        if (BulkChange.contains(this)) {
            return;
        }
        super.save();
        generation++;
    }

    /**
     * The Save button of Manage Jenkins → System: the form is the whole configuration, so an
     * emptied list empties the configuration; an invalid organization or role refuses the save
     * and changes nothing.
     */
    @Override
    public boolean configure(StaplerRequest2 req, JSONObject json) throws FormException {
        synchronized (KeyRuntime.get().lock()) {
            try (BulkChange bc = new BulkChange(this)) {
                resetToDefaults();
                req.bindJSON(this, json);
                List<String> problems = problems();
                if (!problems.isEmpty()) {
                    reloadSaved();
                    throw new FormException("Not saved: " + ConfigurationCheck.message(problems), "roles");
                }
                bc.commit();
            } catch (IOException e) {
                reloadSaved();
                throw new FormException("Could not save the OpenAI Ephemeral Keys configuration: "
                        + e.getClass().getSimpleName(), e, "roles");
            }
        }
        return true;
    }

    /**
     * Every field back to its default, without saving: the starting point of a form submit or a
     * JCasC apply, so that what they omit does not keep an old value.
     */
    void resetToDefaults() {
        vaultAddress = null;
        vaultNamespace = null;
        vaultCaCertificate = null;
        insecureSkipTlsVerification = false;
        adminConfigRecheck = DEFAULT_ADMIN_CONFIG_RECHECK;
        vaultAuth = null;
        organizations = new ArrayList<>();
        roles = new ArrayList<>();
        namePrefix = ServiceAccountNames.DEFAULT_PREFIX;
        rotationEnabled = false;
        rotationPeriod = DEFAULT_ROTATION_PERIOD;
        rotationWindow = null;
        adminKeyExpiryMargin = DEFAULT_ADMIN_KEY_EXPIRY_MARGIN;
        sweeperEnabled = true;
        sweeperInterval = DEFAULT_SWEEPER_INTERVAL;
        sweeperGrace = DEFAULT_SWEEPER_GRACE;
        sweeperDryRun = false;
        revocationRetryInterval = DEFAULT_RETRY_INTERVAL;
    }

    /** Back to what was last saved, after a refused submit or apply: defaults, then the saved file. */
    void reloadSaved() {
        resetToDefaults();
        load();
    }

    /** What is wrong with the organizations and roles as they stand, one sentence each; empty when nothing. */
    List<String> problems() {
        return ConfigurationCheck.problems(getOrganizations(), getRoles());
    }

    // ------------------------------------------------------------------ Vault connection

    public String getVaultAddress() {
        return vaultAddress;
    }

    @DataBoundSetter
    public void setVaultAddress(String vaultAddress) {
        this.vaultAddress = FormChecks.blankToNull(vaultAddress);
        save();
    }

    public String getVaultNamespace() {
        return vaultNamespace;
    }

    @DataBoundSetter
    public void setVaultNamespace(String vaultNamespace) {
        this.vaultNamespace = FormChecks.strip(FormChecks.blankToNull(vaultNamespace));
        save();
    }

    /** PEM bundle of the CA(s) to trust for Vault; empty = the JVM's trust store. */
    public String getVaultCaCertificate() {
        return vaultCaCertificate;
    }

    @DataBoundSetter
    public void setVaultCaCertificate(String vaultCaCertificate) {
        this.vaultCaCertificate = vaultCaCertificate == null || vaultCaCertificate.isBlank()
                ? null : vaultCaCertificate.strip();
        save();
    }

    public boolean isInsecureSkipTlsVerification() {
        return insecureSkipTlsVerification;
    }

    @DataBoundSetter
    public void setInsecureSkipTlsVerification(boolean insecureSkipTlsVerification) {
        this.insecureSkipTlsVerification = insecureSkipTlsVerification;
        save();
    }

    /**
     * How long an Admin API organization's admin configuration read from Vault is trusted before
     * the next mint reads it again (default {@value #DEFAULT_ADMIN_CONFIG_RECHECK}): the bound on
     * minting after Vault is sealed or the controller's token or policy is revoked.
     */
    public String getAdminConfigRecheck() {
        return adminConfigRecheck;
    }

    @DataBoundSetter
    public void setAdminConfigRecheck(String adminConfigRecheck) {
        String v = FormChecks.blankToNull(adminConfigRecheck);
        this.adminConfigRecheck = v == null ? DEFAULT_ADMIN_CONFIG_RECHECK : v;
        save();
    }

    /** {@link #getAdminConfigRecheck()} as a duration; the default when the saved text does not parse. */
    @Restricted(NoExternalUse.class)
    public Duration adminConfigRecheckDuration() {
        return durationOr(adminConfigRecheck, "Admin configuration recheck", DEFAULT_ADMIN_CONFIG_RECHECK);
    }

    public VaultAuthConfig getVaultAuth() {
        return vaultAuth;
    }

    @DataBoundSetter
    public void setVaultAuth(VaultAuthConfig vaultAuth) {
        this.vaultAuth = vaultAuth;
        save();
    }

    // ------------------------------------------------------------------ organizations and roles

    public List<OrganizationConfig> getOrganizations() {
        return organizations == null ? Collections.emptyList() : Collections.unmodifiableList(organizations);
    }

    @DataBoundSetter
    public void setOrganizations(List<OrganizationConfig> organizations) {
        this.organizations = organizations == null ? new ArrayList<>() : new ArrayList<>(organizations);
        save();
    }

    /** The organization of that name, or null. */
    public OrganizationConfig findOrganization(String name) {
        if (name == null) {
            return null;
        }
        for (OrganizationConfig o : getOrganizations()) {
            if (name.trim().equals(o.getName())) {
                return o;
            }
        }
        return null;
    }

    /** The roles as configured; {@code plugin-step} reads names and variables from here. */
    public List<RoleConfig> getRoles() {
        return roles == null ? Collections.emptyList() : Collections.unmodifiableList(roles);
    }

    @DataBoundSetter
    public void setRoles(List<RoleConfig> roles) {
        this.roles = roles == null ? new ArrayList<>() : new ArrayList<>(roles);
        save();
    }

    /** The role of that name, or null. */
    public RoleConfig findRole(String name) {
        if (name == null) {
            return null;
        }
        for (RoleConfig r : getRoles()) {
            if (name.trim().equals(r.getName())) {
                return r;
            }
        }
        return null;
    }

    /** Prefix of every service-account name this controller creates (default {@code jk}). */
    public String getNamePrefix() {
        return namePrefix;
    }

    @DataBoundSetter
    public void setNamePrefix(String namePrefix) {
        String p = FormChecks.blankToNull(namePrefix);
        this.namePrefix = p == null ? ServiceAccountNames.DEFAULT_PREFIX : p;
        save();
    }

    // ------------------------------------------------------------------ rotation settings (see AdminKeyRotationWork)

    public boolean isRotationEnabled() {
        return rotationEnabled;
    }

    @DataBoundSetter
    public void setRotationEnabled(boolean rotationEnabled) {
        this.rotationEnabled = rotationEnabled;
        save();
    }

    public String getRotationPeriod() {
        return rotationPeriod;
    }

    @DataBoundSetter
    public void setRotationPeriod(String rotationPeriod) {
        String p = FormChecks.blankToNull(rotationPeriod);
        this.rotationPeriod = p == null ? DEFAULT_ROTATION_PERIOD : p;
        save();
    }

    /** Optional UTC window {@code HH:MM-HH:MM}; null = any time. */
    public String getRotationWindow() {
        return rotationWindow;
    }

    @DataBoundSetter
    public void setRotationWindow(String rotationWindow) {
        this.rotationWindow = FormChecks.blankToNull(rotationWindow);
        save();
    }

    /**
     * How much longer than the next rotation an admin key created by rotation lives at OpenAI
     * (default {@value #DEFAULT_ADMIN_KEY_EXPIRY_MARGIN}): the time a failing rotation has to be
     * fixed before the key in use expires.
     */
    public String getAdminKeyExpiryMargin() {
        return adminKeyExpiryMargin;
    }

    @DataBoundSetter
    public void setAdminKeyExpiryMargin(String adminKeyExpiryMargin) {
        String v = FormChecks.blankToNull(adminKeyExpiryMargin);
        this.adminKeyExpiryMargin = v == null ? DEFAULT_ADMIN_KEY_EXPIRY_MARGIN : v;
        save();
    }

    // ------------------------------------------------------------------ orphan sweeper

    public boolean isSweeperEnabled() {
        return sweeperEnabled;
    }

    @DataBoundSetter
    public void setSweeperEnabled(boolean sweeperEnabled) {
        this.sweeperEnabled = sweeperEnabled;
        save();
    }

    public String getSweeperInterval() {
        return sweeperInterval;
    }

    @DataBoundSetter
    public void setSweeperInterval(String sweeperInterval) {
        String v = FormChecks.blankToNull(sweeperInterval);
        this.sweeperInterval = v == null ? DEFAULT_SWEEPER_INTERVAL : v;
        save();
    }

    public String getSweeperGrace() {
        return sweeperGrace;
    }

    @DataBoundSetter
    public void setSweeperGrace(String sweeperGrace) {
        String v = FormChecks.blankToNull(sweeperGrace);
        this.sweeperGrace = v == null ? DEFAULT_SWEEPER_GRACE : v;
        save();
    }

    public boolean isSweeperDryRun() {
        return sweeperDryRun;
    }

    @DataBoundSetter
    public void setSweeperDryRun(boolean sweeperDryRun) {
        this.sweeperDryRun = sweeperDryRun;
        save();
    }

    // ------------------------------------------------------------------ pending revocations

    public String getRevocationRetryInterval() {
        return revocationRetryInterval;
    }

    @DataBoundSetter
    public void setRevocationRetryInterval(String revocationRetryInterval) {
        String v = FormChecks.blankToNull(revocationRetryInterval);
        this.revocationRetryInterval = v == null ? DEFAULT_RETRY_INTERVAL : v;
        save();
    }

    // ------------------------------------------------------------------ typed views for the periodic tasks

    public Duration rotationPeriodDuration() {
        return durationOr(rotationPeriod, "Rotation period", DEFAULT_ROTATION_PERIOD);
    }

    public Duration sweeperIntervalDuration() {
        return durationOr(sweeperInterval, "Sweeper interval", DEFAULT_SWEEPER_INTERVAL);
    }

    public Duration sweeperGraceDuration() {
        return durationOr(sweeperGrace, "Sweeper grace", DEFAULT_SWEEPER_GRACE);
    }

    /**
     * The lifetime of admin keys created by rotation: the next rotation plus the margin. With a
     * broken period or margin (the form said so), the default schedule and margin; never "no expiry".
     */
    @Restricted(NoExternalUse.class)
    public AdminKeyLifetime adminKeyLifetime() {
        Duration margin = durationOr(adminKeyExpiryMargin, "Admin key expiry margin", DEFAULT_ADMIN_KEY_EXPIRY_MARGIN);
        RotationSchedule schedule;
        try {
            schedule = rotationSchedule();
        } catch (EphemeralKeyException e) {
            schedule = ConfigDurations.schedule(null, null);
        }
        return AdminKeyLifetime.forSchedule(schedule, margin);
    }

    public Duration revocationRetryIntervalDuration() {
        return durationOr(revocationRetryInterval, "Retry interval", DEFAULT_RETRY_INTERVAL);
    }

    private static Duration durationOr(String value, String field, String fallback) {
        return ConfigDurations.parseOrFallback(value, field, fallback);
    }

    /** Changes with every save: what the runtime compares to know its broker is stale. */
    @Restricted(NoExternalUse.class)
    public long generation() {
        return generation;
    }

    /** The Vault endpoint of the saved settings. */
    @Restricted(NoExternalUse.class)
    public VaultEndpoint vaultEndpoint() {
        if (vaultAddress == null) {
            throw new BrokerException("OpenAI Ephemeral Keys is not configured: set the Vault address under"
                    + " Manage Jenkins > System > OpenAI Ephemeral Keys");
        }
        try {
            return new VaultEndpoint(vaultAddress, vaultNamespace, vaultCaCertificate, insecureSkipTlsVerification, null);
        } catch (IllegalArgumentException e) {
            throw new BrokerException(e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------ admin-key rotation

    /**
     * The rotation schedule of the saved period and window.
     *
     * @throws EphemeralKeyException one sentence when the saved period or window is invalid
     */
    @Restricted(NoExternalUse.class)
    public RotationSchedule rotationSchedule() {
        return ConfigDurations.schedule(rotationPeriod, rotationWindow);
    }

    // ------------------------------------------------------------------ test connection

    /**
     * Logs in to Vault with the <em>saved</em> settings and reads every organization's admin
     * configuration (KV) or engine configuration; one line per check, each coloured by its own
     * outcome. Each organization's block also tests itself alone.
     */
    @RequirePOST
    public FormValidation doTestConnection() {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        return new ConnectionTester(this).run();
    }

    // ------------------------------------------------------------------ form validation

    public FormValidation doCheckVaultAddress(@QueryParameter String value) {
        if (!FormChecks.canAdminister()) {
            return FormValidation.ok();
        }
        if (value == null || value.isBlank()) {
            return FormValidation.error("The Vault address is required, e.g. https://vault.example.com:8200");
        }
        try {
            VaultEndpoint e = VaultEndpoint.of(value);
            if (e.address().startsWith("http://")) {
                return FormValidation.warning("Plain http:// sends the Vault token unencrypted: use https:// outside a lab.");
            }
            return FormValidation.ok();
        } catch (IllegalArgumentException e) {
            return FormValidation.error(e.getMessage());
        }
    }

    public FormValidation doCheckVaultNamespace(@QueryParameter String value) {
        if (!FormChecks.canAdminister() || value == null || value.isBlank()) {
            return FormValidation.ok();
        }
        return FormChecks.mount(value, "The Vault namespace", false);
    }

    public FormValidation doCheckVaultCaCertificate(@QueryParameter String value) {
        return FormChecks.attempt(value, PemCertificates::check);
    }

    public FormValidation doCheckInsecureSkipTlsVerification(@QueryParameter boolean value) {
        if (!FormChecks.canAdminister() || !value) {
            return FormValidation.ok();
        }
        return FormValidation.warning("INSECURE: Jenkins will accept any certificate from Vault, so anyone on the"
                + " network path can impersonate Vault and steal its token. Lab use only.");
    }

    public FormValidation doCheckNamePrefix(@QueryParameter String value) {
        String prefix = value == null || value.isBlank() ? ServiceAccountNames.DEFAULT_PREFIX : value.trim();
        FormValidation syntax = FormChecks.attempt(prefix, ServiceAccountNames::checkPrefix);
        String aliasProblem = ServiceAccountNames.liteLlmAliasProblem(prefix);
        if (syntax.kind != FormValidation.Kind.OK || aliasProblem == null || !FormChecks.canAdminister()
                || getOrganizations().stream().noneMatch(o -> o instanceof LiteLlmProxyOrganization)) {
            return syntax;
        }
        return FormValidation.warning(aliasProblem + ".");
    }

    public FormValidation doCheckRotationEnabled(@QueryParameter boolean value) {
        if (!FormChecks.canAdminister() || !value) {
            return FormValidation.ok();
        }
        boolean anyAdminApi = getOrganizations().stream().anyMatch(o -> o instanceof AdminApiOrganization);
        boolean anyEngine = getOrganizations().stream().anyMatch(o -> o instanceof VaultEngineOrganization);
        return anyAdminApi || anyEngine ? FormValidation.ok()
                : FormValidation.warning("No organization is configured yet, so there is no admin key to rotate.");
    }

    public FormValidation doCheckRotationPeriod(@QueryParameter String value) {
        return FormChecks.attempt(value, v -> ConfigDurations.schedule(v, null));
    }

    public FormValidation doCheckRotationWindow(@QueryParameter String value) {
        if (value == null || value.isBlank()) {
            return FormValidation.ok();
        }
        return FormChecks.attempt(value, ConfigDurations::checkWindow);
    }

    public FormValidation doCheckAdminConfigRecheck(@QueryParameter String value) {
        return FormChecks.attempt(value, v -> {
            Duration d = ConfigDurations.parseOr(v, "Admin configuration recheck", Duration.ofSeconds(30));
            if (d.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("Admin configuration recheck " + v.trim() + " is longer than an"
                        + " hour: sealing Vault would stop minting only that late; use e.g. 30s or 5m");
            }
        });
    }

    public FormValidation doCheckAdminKeyExpiryMargin(@QueryParameter String value) {
        return FormChecks.attempt(value, v -> ConfigDurations.parseOr(v, "Admin key expiry margin", Duration.ofDays(7)));
    }

    public FormValidation doCheckSweeperEnabled(@QueryParameter boolean value) {
        if (!FormChecks.canAdminister() || value) {
            return FormValidation.ok();
        }
        return FormValidation.warning("With the sweeper off, keys of builds lost in a controller crash are deleted"
                + " by nobody (Admin API organizations) until you do it by hand.");
    }

    public FormValidation doCheckSweeperInterval(@QueryParameter String value) {
        return FormChecks.attempt(value, v -> ConfigDurations.parseOr(v, "Sweeper interval", Duration.ofHours(1)));
    }

    public FormValidation doCheckSweeperGrace(@QueryParameter String value) {
        return FormChecks.attempt(value, v -> ConfigDurations.parseOr(v, "Sweeper grace", Duration.ofMinutes(10)));
    }

    public FormValidation doCheckSweeperDryRun(@QueryParameter boolean value) {
        if (!FormChecks.canAdminister() || !value) {
            return FormValidation.ok();
        }
        return FormValidation.warning("Dry run: the sweeper only logs what it would delete.");
    }

    public FormValidation doCheckRevocationRetryInterval(@QueryParameter String value) {
        return FormChecks.attempt(value, v -> ConfigDurations.parseOr(v, "Retry interval", Duration.ofMinutes(5)));
    }

    /** Used by {@code global.jelly} to list the auth methods in the dropdown. */
    public DescriptorExtensionList<VaultAuthConfig, Descriptor<VaultAuthConfig>> getVaultAuthDescriptors() {
        return Jenkins.get().getDescriptorList(VaultAuthConfig.class);
    }
}
