package io.jenkins.plugins.openaikeys.config;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.util.FormValidation;
import io.jenkins.plugins.openaikeys.FakeBackends;
import io.jenkins.plugins.openaikeys.config.vault.AppRoleVaultAuth;
import io.jenkins.plugins.openaikeys.core.SecretString;
import io.jenkins.plugins.openaikeys.core.vault.fake.FakeTokenSpec;
import io.jenkins.plugins.openaikeys.core.vault.fake.FakeVault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** "Test connection" against core's fake Vault: one sentence per organization, never a secret. */
@WithJenkins
class TestConnectionTest {

    private static final String ADMIN_KEY = "sk-admin-NEVER-SHOWN-123";

    private FakeVault vault;
    private OpenAIKeysConfiguration config;

    @BeforeEach
    void setUp(JenkinsRule r) throws Exception {
        vault = FakeVault.start();
        vault.root().enableKv("secret")
                .enableAppRole("approle", "jenkins", "rid", "sid", FakeTokenSpec.ttl(Duration.ofHours(1)));
        vault.root().kvPut("secret", "openai/research", Map.of(
                "admin_api_key", ADMIN_KEY,
                "admin_api_key_id", "key_abc",
                "organization_id", "org-research"));
        vault.root().enableOpenAiEngine("openai", "http://127.0.0.1:9", SecretString.of("sk-engine-admin"),
                "key_engine", "org-prod");
        FakeBackends.addAppRoleCredential("rid", "sid");
        config = OpenAIKeysConfiguration.get();
        config.setVaultAddress(vault.address());
        config.setVaultAuth(new AppRoleVaultAuth(FakeBackends.APPROLE_CREDENTIAL));
    }

    @AfterEach
    void tearDown() {
        vault.close();
    }

    @Test
    void reportsEveryOrganizationWhenAllIsWell() {
        config.setOrganizations(List.of(new AdminApiOrganization("research", "openai/research"),
                new VaultEngineOrganization("prod", "openai")));

        FormValidation result = config.doTestConnection();

        assertThat(result.kind).isEqualTo(FormValidation.Kind.OK);
        assertThat(result.getMessage())
                .contains("Logged in to Vault")
                .contains("research").contains("org-research")
                .contains("prod")
                .doesNotContain(ADMIN_KEY);
        assertThat(vault.logins()).isEqualTo(1);
    }

    @Test
    void namesTheMissingFieldOfAnAdminConfiguration() {
        vault.root().kvPut("secret", "openai/partial", Map.of("admin_api_key", ADMIN_KEY));
        config.setOrganizations(List.of(new AdminApiOrganization("partial", "openai/partial"),
                new AdminApiOrganization("research", "openai/research")));

        FormValidation result = config.doTestConnection();

        assertThat(result.kind).isEqualTo(FormValidation.Kind.ERROR);
        assertThat(result.getMessage())
                .contains("partial").contains("admin_api_key_id").contains("organization_id")
                .contains("research")
                .doesNotContain(ADMIN_KEY);
    }

    @Test
    void saysWhichOrganizationPointsNowhere() {
        config.setOrganizations(List.of(new AdminApiOrganization("typo", "openai/no-such-secret")));

        FormValidation result = config.doTestConnection();

        assertThat(result.kind).isEqualTo(FormValidation.Kind.ERROR);
        assertThat(result.getMessage()).contains("typo");
    }

    @Test
    void aWrongSecretIdIsALoginFailure() throws Exception {
        com.cloudbees.plugins.credentials.SystemCredentialsProvider.getInstance().getCredentials().clear();
        FakeBackends.addAppRoleCredential("rid", "wrong-secret-id");

        FormValidation result = config.doTestConnection();

        assertThat(result.kind).isEqualTo(FormValidation.Kind.ERROR);
        assertThat(result.getMessage()).startsWith("Vault login failed").doesNotContain("wrong-secret-id");
    }

    @Test
    void aMissingCredentialIsNamed() throws Exception {
        config.setVaultAuth(new AppRoleVaultAuth("gone"));

        FormValidation result = config.doTestConnection();

        assertThat(result.kind).isEqualTo(FormValidation.Kind.ERROR);
        assertThat(result.getMessage()).contains("gone");
    }
}
