package io.jenkins.plugins.openaikeys.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.ExtensionList;
import hudson.util.StreamTaskListener;
import io.jenkins.plugins.openaikeys.FakeBackends;
import io.jenkins.plugins.openaikeys.config.OpenAIKeysConfiguration;
import io.jenkins.plugins.openaikeys.config.RoleConfig;
import io.jenkins.plugins.openaikeys.core.openai.fake.Endpoint;
import io.jenkins.plugins.openaikeys.core.openai.fake.FakeProject;
import io.jenkins.plugins.openaikeys.core.openai.fake.FakeServiceAccount;
import io.jenkins.plugins.openaikeys.core.policy.ServiceAccountNames;
import io.jenkins.plugins.openaikeys.core.sweep.SweepReport;
import io.jenkins.plugins.openaikeys.runtime.KeyRuntime;
import io.jenkins.plugins.openaikeys.runtime.MintedProjects;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** The periodic sweep deletes only this controller's expired accounts, with ids in its log. */
@WithJenkins
class OrphanSweepWorkTest {

    private FakeBackends backends;
    private FakeServiceAccount expiredOurs;
    private FakeServiceAccount liveOurs;
    private FakeServiceAccount expiredOtherPrefix;
    private FakeServiceAccount someoneElses;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @BeforeEach
    void setUp(JenkinsRule j) throws Exception {
        backends = FakeBackends.start();
        Instant past = Instant.now().minus(Duration.ofHours(2)); // beyond the default 10m grace
        Instant future = Instant.now().plus(Duration.ofHours(1));
        ServiceAccountNames ours = new ServiceAccountNames(OpenAIKeysConfiguration.get().getNamePrefix());
        expiredOurs = backends.addServiceAccount(ours.render(null, "evals", "lost/job", "7", past));
        liveOurs = backends.addServiceAccount(ours.render(null, "evals", "running/job", "8", future));
        expiredOtherPrefix = backends.addServiceAccount(new ServiceAccountNames("other").render(null, "evals",
                "their/job", "9", past));
        someoneElses = backends.addServiceAccount("ci-bot");
    }

    @AfterEach
    void tearDown() {
        backends.close();
    }

    private SweepReport sweepOnce() {
        OrphanSweepWork work = ExtensionList.lookupSingleton(OrphanSweepWork.class);
        work.execute(new StreamTaskListener(out, StandardCharsets.UTF_8));
        assertThat(work.lastReports()).hasSize(1);
        return work.lastReports().get(0);
    }

    private String log() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void deletesOnlyOurExpiredAccountAndLogsItsIds() {
        SweepReport report = sweepOnce();

        assertThat(report.dryRun()).isFalse();
        assertThat(report.organization()).isEqualTo(FakeBackends.ORG);
        assertThat(report.examined()).isEqualTo(4);
        assertThat(report.swept()).extracting(SweepReport.SweptAccount::serviceAccountId)
                .containsExactly(expiredOurs.id());
        assertThat(backends.openai.liveServiceAccounts(backends.projectId()))
                .extracting(FakeServiceAccount::id)
                .containsExactlyInAnyOrder(liveOurs.id(), expiredOtherPrefix.id(), someoneElses.id());
        assertThat(backends.openai.calls(Endpoint.DELETE_SERVICE_ACCOUNT)).isEqualTo(1);
        assertThat(log()).contains(report.summary())
                .contains("Deleted service account " + expiredOurs.id())
                .contains(expiredOurs.name())
                .contains(backends.projectId())
                .doesNotContain(backends.organization.adminKey().reveal());
    }

    @Test
    void dryRunDeletesNothingButSaysWhatItWouldDelete() {
        OpenAIKeysConfiguration.get().setSweeperDryRun(true);

        SweepReport report = sweepOnce();

        assertThat(report.dryRun()).isTrue();
        assertThat(report.swept()).extracting(SweepReport.SweptAccount::serviceAccountId)
                .containsExactly(expiredOurs.id());
        assertThat(backends.openai.liveServiceAccounts(backends.projectId())).hasSize(4);
        assertThat(backends.openai.calls(Endpoint.DELETE_SERVICE_ACCOUNT)).isZero();
        assertThat(log()).contains("Would delete service account " + expiredOurs.id());
    }

    @Test
    void aProjectMintedInIsSweptAfterItsRoleIsGone(JenkinsRule j) throws Exception {
        WorkflowJob p = j.createProject(WorkflowJob.class, "mints");
        p.setDefinition(new CpsFlowDefinition("withOpenAIKey('evals') { echo 'minted' }", true));
        j.buildAndAssertSuccess(p);
        Path remembered = j.jenkins.getRootDir().toPath().resolve(KeyRuntime.DIRECTORY)
                .resolve(MintedProjects.FILE);
        assertThat(Files.readString(remembered, StandardCharsets.UTF_8))
                .isEqualTo(FakeBackends.ORG + "\t" + backends.projectId() + "\n");

        // The roles now mint elsewhere: no role names the first project any more.
        FakeProject other = backends.organization.createProject("other");
        RoleConfig moved = new RoleConfig("evals", FakeBackends.ORG);
        moved.setProjectId(other.id());
        OpenAIKeysConfiguration.get().setRoles(List.of(moved));

        SweepReport report = sweepOnce();
        assertThat(report.swept()).extracting(SweepReport.SweptAccount::serviceAccountId)
                .containsExactly(expiredOurs.id());
        assertThat(log()).contains("Deleted service account " + expiredOurs.id());
    }

    @Test
    void aDisabledSweeperDoesNotTouchOpenAi() {
        OpenAIKeysConfiguration.get().setSweeperEnabled(false);
        backends.openai.resetCallLog();

        ExtensionList.lookupSingleton(OrphanSweepWork.class).execute(new StreamTaskListener(out, StandardCharsets.UTF_8));

        assertThat(backends.openai.callLog()).isEmpty();
        assertThat(backends.openai.liveServiceAccounts(backends.projectId())).hasSize(4);
    }
}
