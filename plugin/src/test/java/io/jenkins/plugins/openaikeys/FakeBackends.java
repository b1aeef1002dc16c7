package io.jenkins.plugins.openaikeys;

import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import hudson.util.Secret;
import io.jenkins.plugins.openaikeys.core.openai.fake.Endpoint;
import io.jenkins.plugins.openaikeys.core.openai.fake.Fault;
import io.jenkins.plugins.openaikeys.core.openai.fake.FakeOpenAi;
import io.jenkins.plugins.openaikeys.core.vault.fake.FakeVault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl;

/**
 * Step-side test fixture: a loopback FakeOpenAi (admin API) and FakeVault (KV v2 holding the
 * admin key), and an {@link OpenAIKeysConfiguration} with one organization and two roles:
 * {@code evals} (any job) and {@code restricted} (only jobs under {@code allowed/}).
 *
 * <p>ALIGN: every call into the fakes and into plugin-config's configuration API is in this file,
 * written against CONTRACTS.md before those classes existed. If plugin-config ships its own
 * fixture, the lead merges the two.
 */
final class FakeBackends implements AutoCloseable {

    static final String ORG = "acme";
    static final String PROJECT = "proj_evals";
    static final String VAULT_TOKEN_ID = "vault-token";

    final FakeOpenAi openai;
    final FakeVault vault;

    private FakeBackends(FakeOpenAi openai, FakeVault vault) {
        this.openai = openai;
        this.vault = vault;
    }

    /** Starts both fakes and points the controller at them. Call inside a running Jenkins. */
    static FakeBackends start() throws Exception {
        FakeOpenAi openai = FakeOpenAi.start();
        FakeVault vault = FakeVault.start();
        FakeBackends b = new FakeBackends(openai, vault);
        b.configure();
        return b;
    }

    /** Re-points the configuration after a restart (the fakes keep running across sessions). */
    void configure() throws Exception {
        // ALIGN(openai): organization with a project and an admin key.
        var org = openai.createOrganization(ORG);
        openai.createProject(org.id(), PROJECT);
        String adminKey = openai.createAdminKeyValue(org.id());
        // ALIGN(vault): KV v2 secret with the documented fields.
        vault.kvPut("secret", "openai/" + ORG, Map.of(
                "admin_api_key", adminKey,
                "organization_id", org.id(),
                "api_endpoint", openai.baseUrl()));

        SystemCredentialsProvider.getInstance().getCredentials().removeIf(c -> true);
        SystemCredentialsProvider.getInstance().getCredentials().add(new StringCredentialsImpl(
                CredentialsScope.GLOBAL, VAULT_TOKEN_ID, "fake vault", Secret.fromString(vault.rootToken())));
        SystemCredentialsProvider.getInstance().save();

        // ALIGN(plugin-config): configuration setters.
        OpenAIKeysConfiguration config = OpenAIKeysConfiguration.get();
        config.setVaultAddress(vault.address());
        config.setVaultAuth(new TokenVaultAuth(VAULT_TOKEN_ID));
        config.setOrganizations(List.of(new AdminApiOrganization(ORG, "openai/" + ORG)));
        RoleConfig evals = new RoleConfig("evals", ORG);
        evals.setProjectId(PROJECT);
        evals.setTtl("30m");
        evals.setMaxTtl("2h");
        RoleConfig restricted = new RoleConfig("restricted", ORG);
        restricted.setProjectId(PROJECT);
        restricted.setTtl("30m");
        restricted.setMaxTtl("2h");
        restricted.setAllowedJobs("allowed/*");
        config.setRoles(List.of(evals, restricted));
        config.save();
    }

    /** Service accounts (one per minted key) that still exist at OpenAI. */
    int liveKeys() {
        return openai.liveServiceAccounts(PROJECT).size();
    }

    /** How many keys were minted. */
    int mints() {
        return openai.callCount(Endpoint.CREATE_SERVICE_ACCOUNT);
    }

    /** How many revocations reached OpenAI (including "already gone"). */
    int revokes() {
        return openai.callCount(Endpoint.DELETE_SERVICE_ACCOUNT);
    }

    /** The values of all keys minted so far, to grep the build for them. */
    List<String> mintedKeyValues() {
        return openai.issuedServiceAccountKeyValues(PROJECT);
    }

    /** Makes the next mint answer only after {@code delay} (it still succeeds remotely). */
    void slowMint(Duration delay) {
        openai.inject(Endpoint.CREATE_SERVICE_ACCOUNT, Fault.delayAfterProcessing(delay).times(1));
    }

    @Override
    public void close() {
        openai.close();
        vault.close();
    }
}
