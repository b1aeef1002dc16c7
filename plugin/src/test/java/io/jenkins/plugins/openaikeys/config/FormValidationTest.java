package io.jenkins.plugins.openaikeys.config;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.util.FormValidation;
import io.jenkins.plugins.openaikeys.config.vault.JwtVaultAuth;
import io.jenkins.plugins.openaikeys.config.vault.KubernetesVaultAuth;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** The sentences administrators see next to each field (no security realm: everyone administers). */
@WithJenkins
class FormValidationTest {

    private JenkinsRule r;
    private OpenAIKeysConfiguration config;
    private RoleConfig.DescriptorImpl role;

    @BeforeEach
    void setUp(JenkinsRule r) {
        this.r = r;
        config = OpenAIKeysConfiguration.get();
        role = r.jenkins.getDescriptorByType(RoleConfig.DescriptorImpl.class);
    }

    @Test
    void vaultAddress() {
        assertError(config.doCheckVaultAddress(""), "required");
        assertError(config.doCheckVaultAddress("vault.example.com"), "vault.example.com");
        assertThat(config.doCheckVaultAddress("http://127.0.0.1:8200").kind).isEqualTo(FormValidation.Kind.WARNING);
        assertOk(config.doCheckVaultAddress("https://vault.example.com:8200"));
    }

    @Test
    void tlsSettings() {
        assertThat(config.doCheckInsecureSkipTlsVerification(true).kind).isEqualTo(FormValidation.Kind.WARNING);
        assertThat(config.doCheckInsecureSkipTlsVerification(true).getMessage()).contains("INSECURE");
        assertOk(config.doCheckInsecureSkipTlsVerification(false));
        assertError(config.doCheckVaultCaCertificate("hello"), "BEGIN CERTIFICATE");
        assertError(config.doCheckVaultCaCertificate("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"),
                "private key");
        assertError(config.doCheckVaultCaCertificate("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----"),
                "could not be parsed");
        assertOk(config.doCheckVaultCaCertificate(""));
        assertOk(config.doCheckVaultNamespace("ci/team-a"));
        assertError(config.doCheckVaultNamespace("ci team"), "namespace");
    }

    @Test
    void schedules() {
        assertOk(config.doCheckRotationPeriod("30d"));
        assertError(config.doCheckRotationPeriod("5m"), "shorter than an hour");
        assertError(config.doCheckRotationPeriod("monthly"), "not a positive duration");
        assertOk(config.doCheckRotationWindow(""));
        assertOk(config.doCheckRotationWindow("23:00-01:00"));
        assertError(config.doCheckRotationWindow("2-4"), "HH:MM-HH:MM");
        assertError(config.doCheckRotationWindow("25:00-26:00"), "invalid time");
        assertOk(config.doCheckSweeperInterval("1h"));
        assertError(config.doCheckSweeperGrace("0"), "not a positive duration");
        assertError(config.doCheckRevocationRetryInterval("often"), "not a positive duration");
        assertThat(config.doCheckSweeperEnabled(false).kind).isEqualTo(FormValidation.Kind.WARNING);
        assertThat(config.doCheckSweeperDryRun(true).kind).isEqualTo(FormValidation.Kind.WARNING);
        assertThat(config.doCheckRotationEnabled(true).kind).isEqualTo(FormValidation.Kind.WARNING);
        assertError(config.doCheckNamePrefix("has space"), "prefix");
        assertOk(config.doCheckNamePrefix(""));
    }

    @Test
    void roles() {
        config.setOrganizations(List.of(new AdminApiOrganization("research", "openai/research"),
                new VaultEngineOrganization("prod", "openai")));

        assertOk(role.doCheckName("evals"));
        assertError(role.doCheckName("has space"), "not valid");
        assertError(role.doCheckOrganization("nowhere"), "not configured");
        assertOk(role.doCheckOrganization("research"));
        assertError(role.doCheckProjectId("", "research"), "project id");
        assertOk(role.doCheckProjectId("", "prod"));
        assertThat(role.doCheckProjectId("abc", "research").kind).isEqualTo(FormValidation.Kind.WARNING);
        assertError(role.doCheckEngineRole("", "prod"), "engine role");
        assertOk(role.doCheckEngineRole("", "research"));
        assertError(role.doCheckTtl("soon"), "soon");
        assertOk(role.doCheckTtl("1h30m"));
        assertError(role.doCheckMaxTtl("10m", "30m"), "below the TTL");
        assertOk(role.doCheckMaxTtl("2h", "30m"));
        assertError(role.doCheckVariable("1ABC"), "variable");
        assertOk(role.doCheckVariable("OPENAI_KEY"));
        assertError(role.doCheckNameTemplate("{role}-x"), "{prefix}");
        assertOk(role.doCheckNameTemplate(""));
        assertThat(role.doCheckAllowedJobs("").kind).isEqualTo(FormValidation.Kind.WARNING);
        assertError(role.doCheckAllowedJobs("/team-a/**"), "starts with");
        assertOk(role.doCheckAllowedJobs("team-a/**\nnightly"));
    }

    @Test
    void roleOrganizationDropdownListsTheSavedOrganizations() {
        config.setOrganizations(List.of(new AdminApiOrganization("research", "openai/research")));
        assertThat(role.doFillOrganizationItems("").stream().map(o -> o.value)).containsExactly("research");
        assertThat(role.doFillOrganizationItems("gone").stream().map(o -> o.value)).containsExactly("gone", "research");
    }

    @Test
    void organizationsAndLogins() {
        AdminApiOrganization.DescriptorImpl admin = r.jenkins.getDescriptorByType(AdminApiOrganization.DescriptorImpl.class);
        assertError(admin.doCheckName(""), "required");
        assertError(admin.doCheckName("a b"), "letters");
        assertError(admin.doCheckKvPath(""), "required");
        assertError(admin.doCheckKvPath("openai/re search"), "not a Vault path");
        assertOk(admin.doCheckKvMount(""));
        VaultEngineOrganization.DescriptorImpl engine =
                r.jenkins.getDescriptorByType(VaultEngineOrganization.DescriptorImpl.class);
        assertError(engine.doCheckEngineMount(""), "required");
        KubernetesVaultAuth.DescriptorImpl k8s = r.jenkins.getDescriptorByType(KubernetesVaultAuth.DescriptorImpl.class);
        assertError(k8s.doCheckRole(""), "required");
        assertError(k8s.doCheckTokenFile("relative/token"), "absolute");
        assertOk(k8s.doCheckTokenFile(""));
        JwtVaultAuth.DescriptorImpl jwt = r.jenkins.getDescriptorByType(JwtVaultAuth.DescriptorImpl.class);
        assertError(jwt.doCheckRole(""), "required");
        assertError(jwt.doCheckCredentialsId(""), "Secret text");
        assertOk(jwt.doCheckMount(""));
    }

    private static void assertOk(FormValidation v) {
        assertThat(v.kind).as(v.getMessage() == null ? "" : v.getMessage()).isEqualTo(FormValidation.Kind.OK);
    }

    private static void assertError(FormValidation v, String expected) {
        assertThat(v.kind).isEqualTo(FormValidation.Kind.ERROR);
        assertThat(v.getMessage()).contains(expected);
    }
}
