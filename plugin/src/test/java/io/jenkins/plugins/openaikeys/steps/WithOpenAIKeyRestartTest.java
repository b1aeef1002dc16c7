package io.jenkins.plugins.openaikeys.steps;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.openaikeys.BuildDirectory;
import io.jenkins.plugins.openaikeys.FakeBackends;
import java.io.File;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.jenkinsci.plugins.workflow.test.steps.SemaphoreStep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.JenkinsSessionExtension;

/** A controller restart while the body runs: the key survives encrypted and is revoked at the end. */
class WithOpenAIKeyRestartTest {

    @RegisterExtension
    private final JenkinsSessionExtension sessions = new JenkinsSessionExtension();

    @Test
    void revokedAfterResume() throws Throwable {
        // The fakes run outside Jenkins and outlive the restart, like real Vault and OpenAI.
        FakeBackends[] backends = new FakeBackends[1];
        try {
            sessions.then(j -> {
                backends[0] = FakeBackends.start();
                WorkflowJob p = j.createProject(WorkflowJob.class, "restart");
                p.setDefinition(new CpsFlowDefinition(
                        "withOpenAIKey('evals') { semaphore 'wait'; echo \"after=${env.OPENAI_API_KEY_ID}\" }", true));
                WorkflowRun b = p.scheduleBuild2(0).waitForStart();
                SemaphoreStep.waitForStart("wait/1", b);
                assertThat(backends[0].liveKeys()).isEqualTo(1);
                assertThat(BuildDirectory.filesLeaking(b, backends[0].mintedKeyValues())).isEmpty();
            });
            sessions.then(j -> {
                WorkflowRun b = j.jenkins.getItemByFullName("restart", WorkflowJob.class).getBuildByNumber(1);
                assertThat(backends[0].liveKeys()).isEqualTo(1); // still in use: the replay must not revoke it
                // program.dat now surely holds the paused block (written at shutdown at the latest; in the first
                // session the check may have run before the first write) and is deleted when the build ends.
                assertThat(new File(b.getRootDir(), "program.dat")).exists();
                assertThat(BuildDirectory.filesLeaking(b, backends[0].mintedKeyValues())).isEmpty();
                SemaphoreStep.success("wait/1", null);
                j.assertBuildStatusSuccess(j.waitForCompletion(b));
                j.assertLogContains("after=key_", b);
                j.assertLogContains("Revoked key_", b);
                assertThat(backends[0].liveKeys()).isZero();
                assertThat(backends[0].revokes()).isEqualTo(1);
                assertThat(BuildDirectory.filesLeaking(b, backends[0].mintedKeyValues())).isEmpty();
            });
        } finally {
            if (backends[0] != null) {
                backends[0].close();
            }
        }
    }

    @Test
    void ttlTimerIsArmedAgainAfterResume() throws Throwable {
        FakeBackends[] backends = new FakeBackends[1];
        try {
            sessions.then(j -> {
                backends[0] = FakeBackends.start();
                WorkflowJob p = j.createProject(WorkflowJob.class, "restart-ttl");
                p.setDefinition(new CpsFlowDefinition(
                        "withOpenAIKey(role: 'evals', ttl: '15s') { semaphore 'wait' }", true));
                WorkflowRun b = p.scheduleBuild2(0).waitForStart();
                SemaphoreStep.waitForStart("wait/1", b);
                assertThat(backends[0].liveKeys()).isEqualTo(1);
            });
            sessions.then(j -> {
                WorkflowRun b = j.jenkins.getItemByFullName("restart-ttl", WorkflowJob.class).getBuildByNumber(1);
                long deadline = System.currentTimeMillis() + 60_000;
                while (!JenkinsRule.getLog(b).contains("reached its TTL (15s)")) {
                    assertThat(System.currentTimeMillis()).as("the TTL line after resume").isLessThan(deadline);
                    Thread.sleep(200);
                }
                assertThat(backends[0].liveKeys()).isZero();
                SemaphoreStep.success("wait/1", null);
                j.assertBuildStatusSuccess(j.waitForCompletion(b));
                j.assertLogContains("was already revoked when its TTL (15s) ended at ", b);
                assertThat(backends[0].revokes()).isEqualTo(1);
                assertThat(BuildDirectory.filesLeaking(b, backends[0].mintedKeyValues())).isEmpty();
            });
        } finally {
            if (backends[0] != null) {
                backends[0].close();
            }
        }
    }
}
