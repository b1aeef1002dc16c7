package io.jenkins.plugins.openaikeys.config;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.model.User;
import hudson.security.ACL;
import hudson.security.ACLContext;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.openaikeys.FakeBackends;
import io.jenkins.plugins.openaikeys.config.vault.AppRoleVaultAuth;
import io.jenkins.plugins.openaikeys.config.vault.JwtVaultAuth;
import io.jenkins.plugins.openaikeys.config.vault.TokenVaultAuth;
import java.net.URL;
import java.util.List;
import jenkins.model.Jenkins;
import org.htmlunit.HttpMethod;
import org.htmlunit.Page;
import org.htmlunit.WebRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** Who may see credentials, run "Test connection", and learn anything from form validation. */
@WithJenkins
class PermissionsTest {

    private static final String TEST_CONNECTION =
            "descriptorByName/" + OpenAIKeysConfiguration.class.getName() + "/testConnection";

    private JenkinsRule r;

    @BeforeEach
    void setUp(JenkinsRule r) throws Exception {
        this.r = r;
        r.jenkins.setSecurityRealm(r.createDummySecurityRealm());
        r.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy()
                .grant(Jenkins.ADMINISTER).everywhere().to("admin")
                .grant(Jenkins.READ).everywhere().to("reader"));
        FakeBackends.addAppRoleCredential("rid", "sid");
        FakeBackends.addTokenCredential("hvs.not-a-real-token");
    }

    @Test
    void credentialListBoxesAreEmptyWithoutAdminister() {
        try (ACLContext ignored = ACL.as2(User.getById("reader", true).impersonate2())) {
            assertThat(appRoleDescriptor().doFillCredentialsIdItems("")).isEmpty();
            assertThat(tokenDescriptor().doFillCredentialsIdItems(FakeBackends.TOKEN_CREDENTIAL)).isEmpty();
            assertThat(jwtDescriptor().doFillCredentialsIdItems("")).isEmpty();
            assertThat(roleDescriptor().doFillOrganizationItems("")).isEmpty();
        }
    }

    @Test
    void administratorsSeeTheCredentialsOfTheRightType() {
        try (ACLContext ignored = ACL.as2(User.getById("admin", true).impersonate2())) {
            ListBoxModel approle = appRoleDescriptor().doFillCredentialsIdItems("");
            assertThat(values(approle)).contains(FakeBackends.APPROLE_CREDENTIAL).doesNotContain(FakeBackends.TOKEN_CREDENTIAL);
            ListBoxModel token = tokenDescriptor().doFillCredentialsIdItems("");
            assertThat(values(token)).contains(FakeBackends.TOKEN_CREDENTIAL).doesNotContain(FakeBackends.APPROLE_CREDENTIAL);
        }
    }

    @Test
    void formValidationTellsNothingWithoutAdminister() {
        try (ACLContext ignored = ACL.as2(User.getById("reader", true).impersonate2())) {
            assertThat(appRoleDescriptor().doCheckCredentialsId("does-not-exist").kind).isEqualTo(FormValidation.Kind.OK);
            assertThat(OpenAIKeysConfiguration.get().doCheckVaultAddress("").kind).isEqualTo(FormValidation.Kind.OK);
            assertThat(roleDescriptor().doCheckOrganization("nowhere").kind).isEqualTo(FormValidation.Kind.OK);
        }
        try (ACLContext ignored = ACL.as2(User.getById("admin", true).impersonate2())) {
            assertThat(appRoleDescriptor().doCheckCredentialsId("does-not-exist").kind).isEqualTo(FormValidation.Kind.ERROR);
        }
    }

    @Test
    void testConnectionRefusesGet() throws Exception {
        JenkinsRule.WebClient wc = r.createWebClient().withThrowExceptionOnFailingStatusCode(false);
        wc.login("admin");
        Page page = wc.getPage(new WebRequest(new URL(r.getURL(), TEST_CONNECTION), HttpMethod.GET));
        assertThat(page.getWebResponse().getStatusCode()).isEqualTo(405);
    }

    @Test
    void testConnectionRequiresAdminister() throws Exception {
        JenkinsRule.WebClient wc = r.createWebClient().withThrowExceptionOnFailingStatusCode(false);
        wc.login("reader");
        Page page = wc.getPage(new WebRequest(wc.createCrumbedUrl(TEST_CONNECTION), HttpMethod.POST));
        assertThat(page.getWebResponse().getStatusCode()).isEqualTo(403);
    }

    @Test
    void administratorsCanRunTestConnection() throws Exception {
        JenkinsRule.WebClient wc = r.createWebClient().withThrowExceptionOnFailingStatusCode(false);
        wc.login("admin");
        Page page = wc.getPage(new WebRequest(wc.createCrumbedUrl(TEST_CONNECTION), HttpMethod.POST));
        assertThat(page.getWebResponse().getStatusCode()).isEqualTo(200);
        // Nothing configured: the answer says what is missing, in one sentence.
        assertThat(page.getWebResponse().getContentAsString()).contains("Vault address");
    }

    private static List<String> values(ListBoxModel model) {
        return model.stream().map(o -> o.value).toList();
    }

    private AppRoleVaultAuth.DescriptorImpl appRoleDescriptor() {
        return r.jenkins.getDescriptorByType(AppRoleVaultAuth.DescriptorImpl.class);
    }

    private TokenVaultAuth.DescriptorImpl tokenDescriptor() {
        return r.jenkins.getDescriptorByType(TokenVaultAuth.DescriptorImpl.class);
    }

    private JwtVaultAuth.DescriptorImpl jwtDescriptor() {
        return r.jenkins.getDescriptorByType(JwtVaultAuth.DescriptorImpl.class);
    }

    private RoleConfig.DescriptorImpl roleDescriptor() {
        return r.jenkins.getDescriptorByType(RoleConfig.DescriptorImpl.class);
    }
}
