package io.jenkins.plugins.openaikeys;

import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl;
import hudson.util.Secret;
import java.util.List;
import org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl;

/** Credentials and a typical configuration shared by the tests. */
final class Fixtures {

    static final String APPROLE_CREDENTIAL = "vault-approle";
    static final String TOKEN_CREDENTIAL = "vault-token";

    private Fixtures() {
    }

    static void addAppRoleCredential(String roleId, String secretId) throws Exception {
        SystemCredentialsProvider store = SystemCredentialsProvider.getInstance();
        store.getCredentials().add(new UsernamePasswordCredentialsImpl(CredentialsScope.GLOBAL, APPROLE_CREDENTIAL,
                "Vault AppRole", roleId, secretId));
        store.save();
    }

    static void addTokenCredential(String token) throws Exception {
        SystemCredentialsProvider store = SystemCredentialsProvider.getInstance();
        store.getCredentials().add(new StringCredentialsImpl(CredentialsScope.GLOBAL, TOKEN_CREDENTIAL,
                "Vault token", Secret.fromString(token)));
        store.save();
    }

    /** A configuration using every kind of object the page offers. */
    static OpenAIKeysConfiguration configureTypical(String vaultAddress) {
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
