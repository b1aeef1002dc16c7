package io.jenkins.plugins.openaikeys;

import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl;
import hudson.util.Secret;
import io.jenkins.plugins.openaikeys.config.AdminApiOrganization;
import io.jenkins.plugins.openaikeys.config.OpenAIKeysConfiguration;
import io.jenkins.plugins.openaikeys.config.RoleConfig;
import io.jenkins.plugins.openaikeys.config.VaultEngineOrganization;
import io.jenkins.plugins.openaikeys.config.vault.AppRoleVaultAuth;
import io.jenkins.plugins.openaikeys.config.vault.TokenVaultAuth;
import io.jenkins.plugins.openaikeys.core.openai.fake.Endpoint;
import io.jenkins.plugins.openaikeys.core.openai.fake.FakeOpenAi;
import io.jenkins.plugins.openaikeys.core.openai.fake.FakeOrganization;
import io.jenkins.plugins.openaikeys.core.openai.fake.FakeProject;
import io.jenkins.plugins.openaikeys.core.openai.fake.FakeServiceAccount;
import io.jenkins.plugins.openaikeys.core.openai.fake.Fault;
import io.jenkins.plugins.openaikeys.core.source.AdminConfig;
import io.jenkins.plugins.openaikeys.core.vault.fake.FakeVault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl;

/**
 * The one test fixture of the plugin: credentials, configurations, and core's loopback fakes of
 * Vault and OpenAI wired to each other.
 *
 * <p>Two uses. Configuration tests need no backend: they call the static helpers
 * ({@link #addAppRoleCredential}, {@link #addTokenCredential}, {@link #configureTypical}).
 * Build tests call {@link #start()}: a {@link FakeOpenAi} organization with one project, a
 * {@link FakeVault} whose KV v2 holds that organization's admin config (the fields
 * {@link AdminConfig} reads), a Vault token credential, and an {@link OpenAIKeysConfiguration}
 * with one adminApi organization {@value #ORG} and two roles: {@code evals} (any job) and
 * {@code restricted} (only jobs under {@code allowed/}).
 *
 * <p>The fakes run outside Jenkins, so they outlive a restart of a {@code JenkinsSessionExtension}
 * like a real Vault and OpenAI would. Close them in {@code @AfterEach} / {@code finally}.
 */
public final class FakeBackends implements AutoCloseable {

    public static final String APPROLE_CREDENTIAL = "vault-approle";
    public static final String TOKEN_CREDENTIAL = "vault-token";

    public static final String ORG = "acme";
    public static final String KV_MOUNT = "secret";
    public static final String KV_PATH = "openai/" + ORG;

    public final FakeOpenAi openai;
    public final FakeVault vault;
    public final FakeOrganization organization;
    public final FakeProject project;

    private FakeBackends(FakeOpenAi openai, FakeVault vault) {
        this.openai = openai;
        this.vault = vault;
        this.organization = openai.createOrganization(ORG);
        this.project = organization.createProject("evals");
    }

    // ------------------------------------------------------------------ running fakes

    /** Starts both fakes, seeds Vault, and points the controller at them. Call inside a running Jenkins. */
    public static FakeBackends start() throws Exception {
        FakeBackends b = new FakeBackends(FakeOpenAi.start(), FakeVault.start());
        try {
            b.seedVault();
            b.configureJenkins();
            return b;
        } catch (Exception | Error e) {
            b.close();
            throw e;
        }
    }

    private void seedVault() {
        vault.root().enableKv(KV_MOUNT).kvPut(KV_MOUNT, KV_PATH, Map.of(
                AdminConfig.ADMIN_API_KEY, organization.adminKey().reveal(),
                AdminConfig.ADMIN_API_KEY_ID, organization.adminKeyId(),
                AdminConfig.ORGANIZATION_ID, organization.id(),
                AdminConfig.API_ENDPOINT, openai.baseUrl()));
    }

    private void configureJenkins() throws Exception {
        SystemCredentialsProvider.getInstance().getCredentials().removeIf(c -> true);
        addTokenCredential(vault.root().rootToken().reveal());

        OpenAIKeysConfiguration config = OpenAIKeysConfiguration.get();
        config.setVaultAddress(vault.address());
        config.setVaultAuth(new TokenVaultAuth(TOKEN_CREDENTIAL));
        AdminApiOrganization org = new AdminApiOrganization(ORG, KV_PATH);
        org.setKvMount(KV_MOUNT);
        config.setOrganizations(List.of(org));
        RoleConfig evals = role("evals");
        RoleConfig restricted = role("restricted");
        restricted.setAllowedJobs("allowed/*");
        config.setRoles(List.of(evals, restricted));
    }

    private RoleConfig role(String name) {
        RoleConfig role = new RoleConfig(name, ORG);
        role.setProjectId(project.id());
        role.setTtl("30m");
        role.setMaxTtl("2h");
        role.setAllowedJobs("**");
        return role;
    }

    /** The OpenAI project both roles mint in ({@code proj_…}). */
    public String projectId() {
        return project.id();
    }

    /** Service accounts (one per minted key) that still exist at OpenAI. */
    public int liveKeys() {
        return openai.liveServiceAccounts(project.id()).size();
    }

    /** How many create calls reached OpenAI. */
    public int mints() {
        return openai.calls(Endpoint.CREATE_SERVICE_ACCOUNT);
    }

    /** How many delete calls reached OpenAI (including "already gone"). */
    public int revokes() {
        return openai.calls(Endpoint.DELETE_SERVICE_ACCOUNT);
    }

    /** The values of every key OpenAI ever issued here (revoked ones included), to grep builds for them. */
    public List<String> mintedKeyValues() {
        return openai.everyServiceAccount().stream()
                .map(FakeServiceAccount::keyValue)
                .filter(v -> v != null)
                .map(v -> v.reveal())
                .toList();
    }

    /** Makes the next mint answer only after {@code delay} (real time); it still succeeds remotely at once. */
    public void slowMint(Duration delay) {
        openai.inject(Endpoint.CREATE_SERVICE_ACCOUNT, Fault.delayAfterProcessing(delay).times(1));
    }

    /** A service account created behind the plugin's back, e.g. an orphan named like ours. */
    public FakeServiceAccount addServiceAccount(String name) {
        return project.addServiceAccount(name);
    }

    @Override
    public void close() {
        openai.close();
        vault.close();
    }

    // ------------------------------------------------------------------ no backend needed

    /** A username/password credential: the AppRole role_id and secret_id. */
    public static void addAppRoleCredential(String roleId, String secretId) throws Exception {
        SystemCredentialsProvider store = SystemCredentialsProvider.getInstance();
        store.getCredentials().add(new UsernamePasswordCredentialsImpl(CredentialsScope.GLOBAL, APPROLE_CREDENTIAL,
                "Vault AppRole", roleId, secretId));
        store.save();
    }

    /** A secret-text credential holding a Vault token. */
    public static void addTokenCredential(String token) throws Exception {
        SystemCredentialsProvider store = SystemCredentialsProvider.getInstance();
        store.getCredentials().add(new StringCredentialsImpl(CredentialsScope.GLOBAL, TOKEN_CREDENTIAL,
                "Vault token", Secret.fromString(token)));
        store.save();
    }

    /** A configuration using every kind of object the page offers; nothing is contacted. */
    public static OpenAIKeysConfiguration configureTypical(String vaultAddress) {
        OpenAIKeysConfiguration c = OpenAIKeysConfiguration.get();
        c.setVaultAddress(vaultAddress);
        c.setVaultNamespace("ci/team-a");
        AppRoleVaultAuth auth = new AppRoleVaultAuth(APPROLE_CREDENTIAL);
        auth.setMount("approle-jenkins");
        c.setVaultAuth(auth);
        AdminApiOrganization research = new AdminApiOrganization("research", "openai/research");
        research.setKvMount("kv");
        c.setOrganizations(List.of(research, new VaultEngineOrganization("prod", "openai")));
        RoleConfig evals = new RoleConfig("evals", "research");
        evals.setProjectId("proj_abc123");
        evals.setTtl("20m");
        evals.setMaxTtl("1h");
        evals.setVariable("OPENAI_KEY");
        evals.setAllowedJobs("team-a/**\nnightly-evals");
        RoleConfig deploy = new RoleConfig("deploy", "prod");
        deploy.setEngineRole("deployer");
        c.setRoles(List.of(evals, deploy));
        c.setNamePrefix("jk1");
        c.setRotationEnabled(true);
        c.setRotationPeriod("7d");
        c.setRotationWindow("02:00-04:00");
        c.setSweeperEnabled(true);
        c.setSweeperInterval("30m");
        c.setSweeperGrace("15m");
        c.setSweeperDryRun(true);
        c.setRevocationRetryInterval("2m");
        return c;
    }
}
