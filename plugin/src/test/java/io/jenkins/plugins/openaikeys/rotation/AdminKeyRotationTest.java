package io.jenkins.plugins.openaikeys.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.ExtensionList;
import hudson.util.FormValidation;
import hudson.util.StreamTaskListener;
import io.jenkins.plugins.openaikeys.FakeBackends;
import io.jenkins.plugins.openaikeys.config.AdminApiOrganization;
import io.jenkins.plugins.openaikeys.config.OpenAIKeysConfiguration;
import io.jenkins.plugins.openaikeys.core.broker.KeyBroker;
import io.jenkins.plugins.openaikeys.core.broker.MintRequest;
import io.jenkins.plugins.openaikeys.core.broker.MintedKey;
import io.jenkins.plugins.openaikeys.core.openai.fake.Endpoint;
import io.jenkins.plugins.openaikeys.core.openai.fake.FakeAdminKey;
import io.jenkins.plugins.openaikeys.core.openai.fake.Fault;
import io.jenkins.plugins.openaikeys.core.rotation.RotationResult;
import io.jenkins.plugins.openaikeys.core.source.AdminConfig;
import io.jenkins.plugins.openaikeys.runtime.KeyRuntime;
import java.io.ByteArrayOutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import jenkins.model.Jenkins;
import org.htmlunit.HttpMethod;
import org.htmlunit.Page;
import org.htmlunit.WebRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * Admin-key rotation end to end against the fakes: the periodic task, "Rotate now" and its
 * permissions, the page and the administrative monitor after a failure; never a key value in
 * the task log, the answer or the page.
 */
@WithJenkins
class AdminKeyRotationTest {

    private static final String ROTATE_NOW =
            "descriptorByName/" + OpenAIKeysConfiguration.class.getName() + "/rotateNow";

    private JenkinsRule r;
    private FakeBackends backends;
    private String originalKeyId;
    private String originalKey;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @BeforeEach
    void setUp(JenkinsRule r) throws Exception {
        this.r = r;
        backends = FakeBackends.start();
        originalKeyId = backends.organization.adminKeyId();
        originalKey = backends.organization.adminKey().reveal();
    }

    @AfterEach
    void tearDown() {
        backends.close();
    }

    // ------------------------------------------------------------------ periodic task

    @Test
    void theTaskRotatesWhenEnabledAndDueAndLogsIdsOnly() {
        OpenAIKeysConfiguration.get().setRotationEnabled(true);

        String log = runTask();

        FakeAdminKey live = onlyLiveAdminKey();
        assertThat(live.id()).isNotEqualTo(originalKeyId);
        assertThat(keyIdInVault()).isEqualTo(live.id());
        assertThat(log).contains("[ROTATED]").contains(FakeBackends.ORG).contains(originalKeyId).contains(live.id())
                .doesNotContain(originalKey).doesNotContain(live.value().reveal());
        assertThat(AdminKeyRotations.get().lastResultsInConfigurationOrder())
                .extracting(RotationResult::outcome).containsExactly(RotationResult.Outcome.ROTATED);

        // just rotated, so not due: the next tick creates nothing and keeps showing the rotation
        backends.openai.resetCallLog();
        assertThat(runTask()).contains("[NOT_DUE]");
        assertThat(backends.openai.calls(Endpoint.CREATE_ADMIN_KEY)).isZero();
        assertThat(AdminKeyRotations.get().lastResultsInConfigurationOrder())
                .extracting(RotationResult::outcome).containsExactly(RotationResult.Outcome.ROTATED);
    }

    @Test
    void mintingKeepsWorkingAcrossARotation() {
        OpenAIKeysConfiguration.get().setRotationEnabled(true); // a save: the broker and rotators are rebuilt
        KeyBroker broker = KeyRuntime.get().broker();
        // warms the admin-config cache of the very build the task rotates with
        broker.revoke(broker.mint("evals", new MintRequest("job", "1", null)).handle());
        runTask();
        assertThat(onlyLiveAdminKey().id()).isNotEqualTo(originalKeyId);

        // same broker: its cached admin config was dropped by the rotator's afterKeyChange hook
        assertThat(KeyRuntime.get().broker()).isSameAs(broker);
        MintedKey key = broker.mint("evals", new MintRequest("job", "2", null));
        assertThat(backends.liveKeys()).isEqualTo(1);
        broker.revoke(key.handle());
        assertThat(backends.liveKeys()).isZero();
    }

    @Test
    void theTaskDoesNothingWhenRotationIsDisabled() {
        backends.openai.resetCallLog();

        assertThat(runTask()).isEmpty();

        assertThat(backends.openai.callLog()).isEmpty();
        assertThat(keyIdInVault()).isEqualTo(originalKeyId);
        assertThat(backends.openai.liveAdminKeys(backends.organization.id()))
                .extracting(FakeAdminKey::id).containsExactly(originalKeyId);
    }

    // ------------------------------------------------------------------ Rotate now

    @Test
    void rotateNowRefusesGet() throws Exception {
        secure();
        JenkinsRule.WebClient wc = r.createWebClient().withThrowExceptionOnFailingStatusCode(false);
        wc.login("admin");
        Page page = wc.getPage(new WebRequest(new URL(r.getURL(), ROTATE_NOW), HttpMethod.GET));
        assertThat(page.getWebResponse().getStatusCode()).isEqualTo(405);
        assertThat(backends.openai.calls(Endpoint.CREATE_ADMIN_KEY)).isZero();
    }

    @Test
    void rotateNowRequiresAdminister() throws Exception {
        secure();
        JenkinsRule.WebClient wc = r.createWebClient().withThrowExceptionOnFailingStatusCode(false);
        wc.login("reader");
        Page page = wc.getPage(new WebRequest(wc.createCrumbedUrl(ROTATE_NOW), HttpMethod.POST));
        assertThat(page.getWebResponse().getStatusCode()).isEqualTo(403);
        assertThat(backends.openai.calls(Endpoint.CREATE_ADMIN_KEY)).isZero();
        assertThat(keyIdInVault()).isEqualTo(originalKeyId);
    }

    @Test
    void administratorsRotateNowEvenWithTheScheduleOff() throws Exception {
        secure();
        JenkinsRule.WebClient wc = r.createWebClient().withThrowExceptionOnFailingStatusCode(false);
        wc.login("admin");
        Page page = wc.getPage(new WebRequest(wc.createCrumbedUrl(ROTATE_NOW), HttpMethod.POST));

        assertThat(page.getWebResponse().getStatusCode()).isEqualTo(200);
        FakeAdminKey live = onlyLiveAdminKey();
        assertThat(live.id()).isNotEqualTo(originalKeyId);
        assertThat(keyIdInVault()).isEqualTo(live.id());
        assertThat(page.getWebResponse().getContentAsString()).contains(live.id()).contains(originalKeyId)
                .doesNotContain(originalKey).doesNotContain(live.value().reveal());
    }

    // ------------------------------------------------------------------ failures: page and monitor

    @Test
    void aFailedRotationRaisesTheMonitorAndShowsOnTheConfigurationPage() throws Exception {
        RotationFailureMonitor monitor = ExtensionList.lookupSingleton(RotationFailureMonitor.class);
        assertThat(monitor.isActivated()).isFalse();
        backends.openai.inject(Endpoint.CREATE_ADMIN_KEY, Fault.status(403));

        FormValidation answer = rotateNow();

        assertThat(answer.kind).isEqualTo(FormValidation.Kind.ERROR);
        assertThat(keyIdInVault()).isEqualTo(originalKeyId);
        assertThat(backends.openai.liveAdminKeys(backends.organization.id()))
                .extracting(FakeAdminKey::id).containsExactly(originalKeyId);
        assertThat(monitor.isActivated()).isTrue();
        List<String> problems = monitor.getProblems();
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0)).contains(FakeBackends.ORG).contains("Failed").contains(originalKeyId)
                .contains("nothing was changed").endsWith(".").doesNotContain("\n").doesNotContain(originalKey);

        Page page = r.createWebClient().getPage(new WebRequest(new URL(r.getURL(), "configure"), HttpMethod.GET));
        assertThat(page.getWebResponse().getContentAsString()).contains("Last admin key rotation").contains("Failed")
                .contains(originalKeyId).doesNotContain(originalKey);

        // the next successful run of that organization clears the monitor
        assertThat(rotateNow().kind).isEqualTo(FormValidation.Kind.OK);
        assertThat(monitor.isActivated()).isFalse();
        assertThat(onlyLiveAdminKey().id()).isEqualTo(keyIdInVault());
    }

    // ------------------------------------------------------------------ helpers

    /** The organization's own "Rotate its admin key now" button. */
    private static FormValidation rotateNow() {
        return ExtensionList.lookupSingleton(AdminApiOrganization.DescriptorImpl.class)
                .doRotateOrganization(FakeBackends.ORG);
    }

    private void secure() {
        r.jenkins.setSecurityRealm(r.createDummySecurityRealm());
        r.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy()
                .grant(Jenkins.ADMINISTER).everywhere().to("admin")
                .grant(Jenkins.READ).everywhere().to("reader"));
    }

    private String runTask() {
        out.reset();
        ExtensionList.lookupSingleton(AdminKeyRotationWork.class)
                .execute(new StreamTaskListener(out, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    private FakeAdminKey onlyLiveAdminKey() {
        List<FakeAdminKey> live = backends.openai.liveAdminKeys(backends.organization.id());
        assertThat(live).hasSize(1);
        return live.get(0);
    }

    private String keyIdInVault() {
        return backends.vault.root().kvData(FakeBackends.KV_MOUNT, FakeBackends.KV_PATH)
                .get(AdminConfig.ADMIN_API_KEY_ID);
    }
}
