package io.jenkins.plugins.openaikeys;

import hudson.BulkChange;
import hudson.DescriptorExtensionList;
import hudson.Extension;
import hudson.ExtensionList;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import io.jenkins.plugins.openaikeys.core.EphemeralKeyException;
import io.jenkins.plugins.openaikeys.core.broker.BrokerException;
import io.jenkins.plugins.openaikeys.core.broker.KeyBroker;
import io.jenkins.plugins.openaikeys.core.ledger.RevocationLedger;
import io.jenkins.plugins.openaikeys.core.policy.ServiceAccountNames;
import io.jenkins.plugins.openaikeys.core.rotation.AdminKeyLifetime;
import io.jenkins.plugins.openaikeys.core.rotation.RotationRecord;
import io.jenkins.plugins.openaikeys.core.rotation.RotationResult;
import io.jenkins.plugins.openaikeys.core.rotation.RotationSchedule;
import io.jenkins.plugins.openaikeys.core.rotation.RotationService;
import io.jenkins.plugins.openaikeys.core.rotation.Rotator;
import io.jenkins.plugins.openaikeys.core.source.KeySource;
import io.jenkins.plugins.openaikeys.core.vault.PemCertificates;
import io.jenkins.plugins.openaikeys.core.vault.VaultEndpoint;
import io.jenkins.plugins.openaikeys.core.vault.VaultTokenCache;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import jenkins.model.GlobalConfiguration;
import jenkins.model.Jenkins;
import net.sf.json.JSONObject;
import okhttp3.OkHttpClient;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.interceptor.RequirePOST;

/**
 * Manage Jenkins → System → "OpenAI Ephemeral Keys": the Vault connection, the OpenAI
 * organizations, the roles, and the rotation/sweeper schedules; JCasC symbol
 * {@code openAIKeys} under {@code unclassified}.
 *
 * <p>Why it also owns the {@link KeyBroker}: the broker is a pure function of this
 * configuration, so it is built lazily from the saved settings, reused, and rebuilt after the
 * next {@link #save()}. One {@link VaultTokenCache} outlives those rebuilds, so saving the page
 * does not force a new Vault login for an unchanged identity, and one durable
 * {@link RevocationLedger} (under {@code JENKINS_HOME/openai-ephemeral-keys/}) outlives them
 * so no pending revocation is forgotten. Likewise one {@link AdminKeyRotations} keeps the
 * rotation service and its last results across rebuilds, while its rotators come from the
 * current broker build (same Vault client, same connection pool, same admin-config cache).
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

    static final String LEDGER_DIR = "openai-ephemeral-keys";
    static final String DEFAULT_ROTATION_PERIOD = ConfigDurations.DEFAULT_ROTATION_PERIOD;
    static final String DEFAULT_SWEEPER_INTERVAL = "1h";
    static final String DEFAULT_SWEEPER_GRACE = "10m";
    static final String DEFAULT_RETRY_INTERVAL = "5m";
    static final String DEFAULT_ADMIN_KEY_EXPIRY_MARGIN = "7d";
    static final String DEFAULT_ADMIN_CONFIG_RECHECK = "30s";
    static final String ROTATION_RECORD_FILE = "rotation.properties";

    // --- persisted settings (config.xml: io.jenkins.plugins.openaikeys.OpenAIKeysConfiguration.xml)
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
    private final transient Object brokerLock = new Object();
    /** Bumped by every save(); the broker is rebuilt when it no longer matches. */
    private transient volatile long generation;
    private transient BrokerFactory.Built built;
    private transient VaultTokenCache tokenCache;
    private transient RevocationLedger ledger;
    private transient RotationRecord rotationRecord;
    private transient OkHttpClient httpClient;
    /** The rotation service and its last results; outlives broker rebuilds. */
    private final transient AdminKeyRotations rotations = new AdminKeyRotations();

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
        synchronized (brokerLock) {
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

    /** For JCasC: the lock under which a whole configuration is applied, shared with the broker's rebuild. */
    Object applyLock() {
        return brokerLock;
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
    Duration adminConfigRecheckDuration() {
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
    AdminKeyLifetime adminKeyLifetime() {
        Duration margin = durationOr(adminKeyExpiryMargin, "Admin key expiry margin", DEFAULT_ADMIN_KEY_EXPIRY_MARGIN);
        RotationSchedule schedule;
        try {
            schedule = rotationSchedule();
        } catch (EphemeralKeyException e) {
            schedule = ConfigDurations.schedule(null, null);
        }
        return AdminKeyLifetime.forSchedule(schedule, margin);
    }

    /** Where engine organizations' last rotations are remembered across restarts; one per controller. */
    RotationRecord rotationRecord() {
        synchronized (brokerLock) {
            if (rotationRecord == null) {
                rotationRecord = CoreWiring.rotationRecord(
                        Jenkins.get().getRootDir().toPath().resolve(LEDGER_DIR).resolve(ROTATION_RECORD_FILE));
            }
            return rotationRecord;
        }
    }

    public Duration revocationRetryIntervalDuration() {
        return durationOr(revocationRetryInterval, "Retry interval", DEFAULT_RETRY_INTERVAL);
    }

    private static Duration durationOr(String value, String field, String fallback) {
        return ConfigDurations.parseOrFallback(value, field, fallback);
    }

    // ------------------------------------------------------------------ the seam for plugin-step

    /**
     * The broker for the saved configuration: built on first use, reused, rebuilt after a save.
     * Package-private: Stapler exposes public getters of a descriptor on the web.
     *
     * @throws BrokerException one sentence when the plugin is not (fully) configured
     */
    KeyBroker getBroker() {
        return current().broker();
    }

    /**
     * The key sources of the current broker by organization name (built like {@link #getBroker()}),
     * so the orphan sweeper talks to OpenAI with the very client and admin key that mint.
     *
     * @throws BrokerException one sentence when the plugin is not (fully) configured
     */
    Map<String, KeySource> keySources() {
        return current().sources();
    }

    private BrokerFactory.Built current() {
        long gen = generation;
        synchronized (brokerLock) {
            if (built == null || built.generation() != gen) {
                built = new BrokerFactory(this, tokenCache(), getLedger(), http()).build(gen);
            }
            return built;
        }
    }

    /** The broker if one was built already (never builds one): for monitors, which must stay cheap. */
    Optional<KeyBroker> builtBroker() {
        synchronized (brokerLock) {
            return built == null ? Optional.empty() : Optional.of(built.broker());
        }
    }

    /** The durable ledger of pending revocations; one instance for the life of this controller. */
    RevocationLedger getLedger() {
        synchronized (brokerLock) {
            if (ledger == null) {
                Path dir = Jenkins.get().getRootDir().toPath().resolve(LEDGER_DIR);
                ledger = CoreWiring.fileLedger(dir);
            }
            return ledger;
        }
    }

    /** The Vault endpoint of the saved settings. */
    VaultEndpoint vaultEndpoint() {
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

    OkHttpClient http() {
        synchronized (brokerLock) {
            if (httpClient == null) {
                httpClient = CoreWiring.httpClient();
            }
            return httpClient;
        }
    }

    private VaultTokenCache tokenCache() {
        synchronized (brokerLock) {
            if (tokenCache == null) {
                tokenCache = CoreWiring.tokenCache();
            }
            return tokenCache;
        }
    }

    // ------------------------------------------------------------------ admin-key rotation

    /**
     * The rotation schedule of the saved period and window.
     *
     * @throws EphemeralKeyException one sentence when the saved period or window is invalid
     */
    RotationSchedule rotationSchedule() {
        return ConfigDurations.schedule(rotationPeriod, rotationWindow);
    }

    /**
     * One scheduled pass (the periodic task): rotates every organization that is due, with the
     * rotators of the current broker. Never throws for one organization's failure.
     *
     * @throws EphemeralKeyException one sentence when the plugin is not configured or the schedule is invalid
     */
    List<RotationResult> runDueRotations() {
        RotationSchedule schedule = rotationSchedule();
        return rotations.service(schedule).runDue(current().rotators());
    }

    /**
     * "Rotate its admin key now" of one organization, whatever the schedule (or the enabled flag)
     * says; the other organizations are left alone.
     *
     * @throws EphemeralKeyException one sentence when the plugin is not configured or the organization is not saved
     */
    RotationResult rotateNow(String organization) {
        Rotator rotator = current().rotators().stream()
                .filter(r -> r.organization().equals(organization))
                .findFirst()
                .orElseThrow(() -> new EphemeralKeyException("Organization '" + organization + "' is not saved yet:"
                        + " save the page, then rotate"));
        RotationService service;
        try {
            service = rotations.service(rotationSchedule());
        } catch (EphemeralKeyException e) {
            // a broken period/window must not block a manual rotation, nor drop the last results
            service = rotations.serviceOr(ConfigDurations.schedule(null, null));
        }
        return service.rotateNow(rotator);
    }

    /** The last rotation of one organization since Jenkins started, for its block on the page; null if none. */
    RotationResult lastRotation(String organization) {
        return organization == null ? null : rotations.lastResults().get(organization);
    }

    /**
     * The last rotation result of each configured organization, in configuration order; from
     * memory only (no Vault call), so the administrative monitor may ask on every page view.
     * Empty until the first run after a controller start.
     */
    List<RotationResult> lastRotationResults() {
        Map<String, RotationResult> all = rotations.lastResults();
        List<RotationResult> out = new ArrayList<>();
        for (OrganizationConfig o : getOrganizations()) {
            RotationResult r = o.getName() == null ? null : all.get(o.getName());
            if (r != null) {
                out.add(r);
            }
        }
        return out;
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
        return FormChecks.attempt(value, v -> ServiceAccountNames.checkPrefix(
                v == null || v.isBlank() ? ServiceAccountNames.DEFAULT_PREFIX : v.trim()));
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
