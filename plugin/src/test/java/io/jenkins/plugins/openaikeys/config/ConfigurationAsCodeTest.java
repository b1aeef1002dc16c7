package io.jenkins.plugins.openaikeys.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.casc.ConfigurationAsCode;
import io.jenkins.plugins.casc.ConfigurationContext;
import io.jenkins.plugins.casc.ConfiguratorRegistry;
import io.jenkins.plugins.casc.misc.Util;
import io.jenkins.plugins.casc.model.CNode;
import io.jenkins.plugins.openaikeys.config.vault.AppRoleVaultAuth;
import io.jenkins.plugins.openaikeys.config.vault.KubernetesVaultAuth;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** The YAML of docs/configuration.md applies field by field and exports back to the same shape. */
@WithJenkins
class ConfigurationAsCodeTest {

    @Test
    void appliesEveryField(JenkinsRule r) throws Exception {
        apply("configuration-as-code.yml");

        OpenAIKeysConfiguration c = OpenAIKeysConfiguration.get();
        assertThat(c.getVaultAddress()).isEqualTo("https://vault.example.com:8200");
        assertThat(c.getVaultNamespace()).isEqualTo("ci/team-a");
        assertThat(c.getVaultCaCertificate()).isNull();
        assertThat(c.isInsecureSkipTlsVerification()).isFalse();
        assertThat(c.getVaultAuth()).isInstanceOf(AppRoleVaultAuth.class);
        assertThat(((AppRoleVaultAuth) c.getVaultAuth()).getCredentialsId()).isEqualTo("vault-approle");
        assertThat(((AppRoleVaultAuth) c.getVaultAuth()).getMount()).isEqualTo("approle-jenkins");
        assertThat(c.getOrganizations()).hasSize(2);
        AdminApiOrganization research = (AdminApiOrganization) c.findOrganization("research");
        assertThat(research.getKvMount()).isEqualTo("kv");
        assertThat(research.getKvPath()).isEqualTo("openai/research");
        assertThat(((VaultEngineOrganization) c.findOrganization("prod")).getEngineMount()).isEqualTo("openai");
        RoleConfig evals = c.findRole("evals");
        assertThat(evals.getOrganization()).isEqualTo("research");
        assertThat(evals.getProjectId()).isEqualTo("proj_abc123");
        assertThat(evals.getTtl()).isEqualTo("20m");
        assertThat(evals.getMaxTtl()).isEqualTo("1h");
        assertThat(evals.getVariable()).isEqualTo("OPENAI_KEY");
        assertThat(evals.getAllowedJobList()).containsExactly("team-a/**", "nightly-evals");
        assertThat(c.findRole("deploy").getEngineRole()).isEqualTo("deployer");
        assertThat(c.getNamePrefix()).isEqualTo("jk1");
        assertThat(c.isRotationEnabled()).isTrue();
        assertThat(c.getRotationPeriod()).isEqualTo("7d");
        assertThat(c.getRotationWindow()).isEqualTo("02:00-04:00");
        assertThat(c.isSweeperEnabled()).isTrue();
        assertThat(c.getSweeperInterval()).isEqualTo("30m");
        assertThat(c.getSweeperGrace()).isEqualTo("15m");
        assertThat(c.isSweeperDryRun()).isTrue();
        assertThat(c.getRevocationRetryInterval()).isEqualTo("2m");
    }

    @Test
    void exportsWhatItApplied(JenkinsRule r) throws Exception {
        apply("configuration-as-code.yml");

        String yaml = export();

        assertThat(yaml)
                .contains("vaultAddress: \"https://vault.example.com:8200\"")
                .contains("appRole:")
                .contains("credentialsId: \"vault-approle\"")
                .contains("adminApi:")
                .contains("kvPath: \"openai/research\"")
                .contains("vaultEngine:")
                .contains("engineMount: \"openai\"")
                .contains("name: \"evals\"")
                .contains("engineRole: \"deployer\"")
                .contains("rotationWindow: \"02:00-04:00\"")
                .contains("sweeperDryRun: true");
    }

    @Test
    void aMinimalKubernetesSetupKeepsTheDefaults(JenkinsRule r) throws Exception {
        apply("configuration-as-code-kubernetes.yml");

        OpenAIKeysConfiguration c = OpenAIKeysConfiguration.get();
        KubernetesVaultAuth auth = (KubernetesVaultAuth) c.getVaultAuth();
        assertThat(auth.getRole()).isEqualTo("jenkins");
        assertThat(auth.getMount()).isEqualTo("kubernetes");
        assertThat(auth.getTokenFile()).isEqualTo("/var/run/secrets/kubernetes.io/serviceaccount/token");
        assertThat(c.findRole("deploy").getTtl()).isEqualTo("30m");
        assertThat(c.findRole("deploy").getVariable()).isEqualTo("OPENAI_API_KEY");
        assertThat(c.getNamePrefix()).isEqualTo("jk");
        assertThat(c.isSweeperEnabled()).isTrue();
    }

    @Test
    void aFileIsTheWholeConfigurationSoWhatItOmitsReturnsToTheDefault(JenkinsRule r) throws Exception {
        apply("configuration-as-code.yml");
        assertThat(OpenAIKeysConfiguration.get().getVaultNamespace()).isEqualTo("ci/team-a");

        apply("configuration-as-code-kubernetes.yml"); // no namespace, rotation, dry run or evals role

        OpenAIKeysConfiguration c = OpenAIKeysConfiguration.get();
        assertThat(c.getVaultNamespace()).isNull();
        assertThat(c.isRotationEnabled()).isFalse();
        assertThat(c.getRotationPeriod()).isEqualTo("30d");
        assertThat(c.getRotationWindow()).isNull();
        assertThat(c.isSweeperDryRun()).isFalse();
        assertThat(c.getRoles()).extracting(RoleConfig::getName).containsExactly("deploy");
        assertThat(new OpenAIKeysConfiguration().getVaultNamespace()).isNull(); // and so on disk
    }

    @Test
    void aFileWithAnInvalidRoleIsRefusedByNameAndChangesNothing(JenkinsRule r) throws Exception {
        apply("configuration-as-code.yml");

        assertThatThrownBy(() -> apply("configuration-as-code-invalid.yml"))
                .hasStackTraceContaining("Role ui-admin's TTL 'abc' is not a positive duration")
                .hasStackTraceContaining("Role twice is defined twice");

        OpenAIKeysConfiguration c = OpenAIKeysConfiguration.get();
        assertThat(c.getVaultNamespace()).isEqualTo("ci/team-a");
        assertThat(c.getRoles()).extracting(RoleConfig::getName).containsExactly("evals", "deploy");
    }

    private void apply(String resource) throws Exception {
        ConfigurationAsCode.get().configure(getClass().getResource(resource).toExternalForm());
    }

    private static String export() throws Exception {
        ConfigurationContext context = new ConfigurationContext(ConfiguratorRegistry.get());
        CNode node = Util.getUnclassifiedRoot(context).get("openAIKeys");
        return Util.toYamlString(node);
    }
}
