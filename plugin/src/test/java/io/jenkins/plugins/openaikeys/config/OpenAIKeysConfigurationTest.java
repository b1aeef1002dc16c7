package io.jenkins.plugins.openaikeys.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hudson.ExtensionList;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.openaikeys.FakeBackends;
import io.jenkins.plugins.openaikeys.config.vault.AppRoleVaultAuth;
import io.jenkins.plugins.openaikeys.config.vault.KubernetesVaultAuth;
import io.jenkins.plugins.openaikeys.core.broker.BrokerException;
import io.jenkins.plugins.openaikeys.core.broker.KeyBroker;
import io.jenkins.plugins.openaikeys.core.ledger.RevocationLedger;
import io.jenkins.plugins.openaikeys.runtime.KeyRuntime;
import java.time.Duration;
import java.util.List;
import org.htmlunit.html.HtmlButton;
import org.htmlunit.html.HtmlForm;
import org.htmlunit.html.HtmlInput;
import org.htmlunit.html.HtmlPage;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

@WithJenkins
class OpenAIKeysConfigurationTest {

    @Test
    void everyFieldSurvivesSubmittingTheConfigurationPage(JenkinsRule r) throws Exception {
        FakeBackends.addAppRoleCredential("rid", "sid");
        OpenAIKeysConfiguration c = FakeBackends.configureTypical("https://vault.example.com:8200");
        c.setVaultCaCertificate(null);
        List<OrganizationConfig> organizationsBefore = c.getOrganizations(); // the form submission replaces the list

        r.configRoundtrip();

        OpenAIKeysConfiguration after = OpenAIKeysConfiguration.get();
        assertThat(after.getVaultAddress()).isEqualTo("https://vault.example.com:8200");
        assertThat(after.getVaultNamespace()).isEqualTo("ci/team-a");
        assertThat(after.isInsecureSkipTlsVerification()).isFalse();
        assertThat(after.getVaultAuth()).isInstanceOf(AppRoleVaultAuth.class);
        AppRoleVaultAuth auth = (AppRoleVaultAuth) after.getVaultAuth();
        assertThat(auth.getCredentialsId()).isEqualTo(FakeBackends.APPROLE_CREDENTIAL);
        assertThat(auth.getMount()).isEqualTo("approle-jenkins");
        assertThat(after.getOrganizations()).hasSize(2);
        r.assertEqualDataBoundBeans(after.getOrganizations().get(0), organizationsBefore.get(0));
        r.assertEqualDataBoundBeans(after.getOrganizations().get(1), organizationsBefore.get(1));
        assertThat(after.getRoles()).extracting(RoleConfig::getName).containsExactly("evals", "deploy");
        RoleConfig evals = after.findRole("evals");
        assertThat(evals.getProjectId()).isEqualTo("proj_abc123");
        assertThat(evals.getTtl()).isEqualTo("20m");
        assertThat(evals.getMaxTtl()).isEqualTo("1h");
        assertThat(evals.getVariable()).isEqualTo("OPENAI_KEY");
        assertThat(evals.getAllowedJobList()).containsExactly("team-a/**", "nightly-evals");
        assertThat(after.findRole("deploy").getEngineRole()).isEqualTo("deployer");
        assertThat(after.findRole("deploy").getVariable()).isEqualTo("OPENAI_API_KEY");
        assertThat(after.getNamePrefix()).isEqualTo("jk1");
        assertThat(after.isRotationEnabled()).isTrue();
        assertThat(after.getRotationPeriod()).isEqualTo("7d");
        assertThat(after.getRotationWindow()).isEqualTo("02:00-04:00");
        assertThat(after.isSweeperEnabled()).isTrue();
        assertThat(after.getSweeperInterval()).isEqualTo("30m");
        assertThat(after.getSweeperGrace()).isEqualTo("15m");
        assertThat(after.isSweeperDryRun()).isTrue();
        assertThat(after.getRevocationRetryInterval()).isEqualTo("2m");
    }

    @Test
    void savedSettingsSurviveReloadFromDisk(JenkinsRule r) throws Exception {
        FakeBackends.configureTypical("https://vault.example.com:8200");

        OpenAIKeysConfiguration fresh = new OpenAIKeysConfiguration(); // load() reads the saved XML

        assertThat(fresh.getRoles()).extracting(RoleConfig::getName).containsExactly("evals", "deploy");
        assertThat(fresh.getOrganizations()).extracting(OrganizationConfig::getName).containsExactly("research", "prod");
        assertThat(fresh.getVaultAuth()).isInstanceOf(AppRoleVaultAuth.class);
        assertThat(fresh.rotationPeriodDuration()).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void defaultsAreSensible(JenkinsRule r) {
        OpenAIKeysConfiguration c = OpenAIKeysConfiguration.get();
        assertThat(c.getNamePrefix()).isEqualTo("jk");
        assertThat(c.isSweeperEnabled()).isTrue();
        assertThat(c.isRotationEnabled()).isFalse();
        assertThat(c.isInsecureSkipTlsVerification()).isFalse();
        assertThat(c.sweeperIntervalDuration()).isEqualTo(Duration.ofHours(1));
        assertThat(c.revocationRetryIntervalDuration()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.adminConfigRecheckDuration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.adminKeyLifetime().value()).isEqualTo(Duration.ofDays(37)); // 30d period + 7d margin
        assertThat(new RoleConfig("a", "b").getVariable()).isEqualTo("OPENAI_API_KEY");
    }

    @Test
    void brokerSaysWhatIsMissingWhenNotConfigured(JenkinsRule r) {
        OpenAIKeysConfiguration c = OpenAIKeysConfiguration.get();
        assertThatThrownBy(() -> KeyRuntime.get().broker()).isInstanceOf(BrokerException.class).hasMessageContaining("Vault address");

        c.setVaultAddress("https://vault.example.com:8200");
        assertThatThrownBy(() -> KeyRuntime.get().broker()).isInstanceOf(BrokerException.class).hasMessageContaining("Vault login");

        c.setVaultAuth(new KubernetesVaultAuth("jenkins"));
        assertThatThrownBy(() -> KeyRuntime.get().broker()).isInstanceOf(BrokerException.class).hasMessageContaining("organization");
    }

    @Test
    void brokerIsReusedUntilTheNextSaveAndTheLedgerOutlivesRebuilds(JenkinsRule r) {
        OpenAIKeysConfiguration c = OpenAIKeysConfiguration.get();
        c.setVaultAddress("https://vault.example.com:8200");
        c.setVaultAuth(new KubernetesVaultAuth("jenkins"));
        c.setOrganizations(List.of(new VaultEngineOrganization("prod", "openai")));
        RoleConfig deploy = new RoleConfig("deploy", "prod");
        deploy.setEngineRole("deployer");
        c.setRoles(List.of(deploy));
        RevocationLedger ledger = KeyRuntime.get().ledger();

        KeyBroker first = KeyRuntime.get().broker();
        assertThat(KeyRuntime.get().broker()).isSameAs(first);

        c.setSweeperGrace("20m"); // any save
        KeyBroker second = KeyRuntime.get().broker();
        assertThat(second).isNotSameAs(first);
        assertThat(KeyRuntime.get().ledger()).isSameAs(ledger);
        assertThat(second.role("deploy").engineRole()).isEqualTo("deployer");
    }

    @Test
    void anInvalidRoleIsLeftOutWithoutStoppingTheOthers(JenkinsRule r) {
        OpenAIKeysConfiguration c = OpenAIKeysConfiguration.get();
        c.setVaultAddress("https://vault.example.com:8200");
        c.setVaultAuth(new KubernetesVaultAuth("jenkins"));
        c.setOrganizations(List.of(new VaultEngineOrganization("prod", "openai")));
        RoleConfig good = new RoleConfig("deploy", "prod");
        good.setEngineRole("deployer");
        RoleConfig badTtl = new RoleConfig("broken", "prod");
        badTtl.setEngineRole("x");
        badTtl.setTtl("soon");
        RoleConfig unknownOrg = new RoleConfig("orphan", "nowhere");
        unknownOrg.setEngineRole("x");
        c.setRoles(List.of(good, badTtl, unknownOrg));

        KeyBroker broker = KeyRuntime.get().broker();

        assertThat(broker.role("deploy")).isNotNull();
        assertThatThrownBy(() -> broker.role("broken")).isInstanceOf(BrokerException.class)
                .hasMessageContaining("Role broken's TTL 'soon' is not a positive duration");
        assertThatThrownBy(() -> broker.role("orphan")).isInstanceOf(BrokerException.class)
                .hasMessageContaining("Role orphan uses organization 'nowhere', which is not configured");
    }

    @Test
    void deletingTheLastRoleAndOrganizationOnThePageSticks(JenkinsRule r) throws Exception {
        FakeBackends.addAppRoleCredential("rid", "sid");
        FakeBackends.configureTypical("https://vault.example.com:8200");
        JenkinsRule.WebClient wc = r.createWebClient();
        HtmlPage page = wc.goTo("manage/configure");

        List<HtmlButton> deletes = page.getByXPath("//button[contains(@class,'repeatable-delete')]");
        assertThat(deletes).hasSizeGreaterThanOrEqualTo(4); // two organizations, two roles
        for (HtmlButton delete : deletes) {
            delete.click();
        }
        r.submit(page.getFormByName("config"));

        OpenAIKeysConfiguration c = OpenAIKeysConfiguration.get();
        assertThat(c.getRoles()).isEmpty();
        assertThat(c.getOrganizations()).isEmpty();
        assertThat(new OpenAIKeysConfiguration().getRoles()).isEmpty(); // on disk too
        assertThatThrownBy(() -> KeyRuntime.get().broker()).isInstanceOf(BrokerException.class);
    }

    @Test
    void anInvalidRoleIsRefusedOnSaveByNameAndNothingChanges(JenkinsRule r) throws Exception {
        FakeBackends.addAppRoleCredential("rid", "sid");
        FakeBackends.configureTypical("https://vault.example.com:8200");
        JenkinsRule.WebClient wc = r.createWebClient().withThrowExceptionOnFailingStatusCode(false);
        HtmlPage page = wc.goTo("manage/configure");
        HtmlForm form = page.getFormByName("config");
        List<HtmlInput> ttls = form.getInputsByName("_.ttl");
        ttls.get(0).setValue("abc");

        HtmlPage answer = r.submit(form);

        assertThat(answer.asNormalizedText()).contains("Role evals's TTL 'abc' is not a positive duration");
        assertThat(OpenAIKeysConfiguration.get().findRole("evals").getTtl()).isEqualTo("20m");
        assertThat(new OpenAIKeysConfiguration().findRole("evals").getTtl()).isEqualTo("20m");
    }

    @Test
    void aSavedRoleThatCannotWorkIsNamedToTheBuildAndOnTheMonitor(JenkinsRule r) {
        OpenAIKeysConfiguration c = OpenAIKeysConfiguration.get();
        c.setVaultAddress("https://vault.example.com:8200");
        c.setVaultAuth(new KubernetesVaultAuth("jenkins"));
        c.setOrganizations(List.of(new VaultEngineOrganization("prod", "openai")));
        RoleConfig broken = new RoleConfig("ui-admin", "prod");
        broken.setEngineRole("x");
        broken.setTtl("abc"); // setters do not check: an old or hand-edited XML file can hold this
        c.setRoles(List.of(broken));

        assertThatThrownBy(() -> KeyRuntime.get().broker().role("ui-admin")).isInstanceOf(BrokerException.class)
                .hasMessageStartingWith("OpenAI key role 'ui-admin' is configured but cannot be used: Role ui-admin's"
                        + " TTL 'abc' is not a positive duration");
        ConfigurationProblemsMonitor monitor = ExtensionList.lookupSingleton(ConfigurationProblemsMonitor.class);
        assertThat(monitor.isActivated()).isTrue();
        assertThat(monitor.getProblems()).singleElement().asString().startsWith("Role ui-admin's TTL 'abc'");
    }

    @Test
    void aNewRoleHasNoPreselectedOrganization(JenkinsRule r) {
        OpenAIKeysConfiguration.get().setOrganizations(List.of(new VaultEngineOrganization("prod", "openai")));
        ListBoxModel items = ExtensionList.lookupSingleton(RoleConfig.DescriptorImpl.class).doFillOrganizationItems(null);
        assertThat(items.get(0).value).isEmpty();
        assertThat(items).extracting(o -> o.value).containsExactly("", "prod");
    }
}
