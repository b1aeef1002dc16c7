package io.jenkins.plugins.openaikeys.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import io.jenkins.plugins.openaikeys.BuildDirectory;
import io.jenkins.plugins.openaikeys.FakeBackends;
import io.jenkins.plugins.openaikeys.config.OpenAIKeysConfiguration;
import io.jenkins.plugins.openaikeys.core.broker.RevocationHandle;
import io.jenkins.plugins.openaikeys.core.openai.fake.Endpoint;
import io.jenkins.plugins.openaikeys.freestyle.OpenAIKeyBuildWrapper;
import io.jenkins.plugins.openaikeys.tasks.OrphanedKeys;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.jenkinsci.plugins.workflow.test.steps.SemaphoreStep;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.SleepBuilder;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * A key whose TTL ends while its block or build still runs: revoked then, by the holder's own timer
 * on the plugin's threads, with a line in the build log; the periodic task leaves it alone meanwhile.
 */
@WithJenkins
class KeyTtlTest {

    private JenkinsRule j;
    private FakeBackends backends;

    @BeforeEach
    void setUp(JenkinsRule j) throws Exception {
        this.j = j;
        backends = FakeBackends.start();
    }

    @AfterEach
    void tearDown() {
        backends.close();
    }

    private WorkflowJob job(String name, String script) throws Exception {
        WorkflowJob p = j.createProject(WorkflowJob.class, name);
        p.setDefinition(new CpsFlowDefinition(script, true));
        return p;
    }

    private static void waitForLog(WorkflowRun b, String text) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!JenkinsRule.getLog(b).contains(text)) {
            assertThat(System.currentTimeMillis()).as("log line '%s' in time", text).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    @Test
    void ttlEndingMidBlockIsRevokedAndExplained() throws Exception {
        WorkflowJob p = job("ttl", "withOpenAIKey(role: 'evals', ttl: '3s') { semaphore 'wait' }");
        WorkflowRun b = p.scheduleBuild2(0).waitForStart();
        SemaphoreStep.waitForStart("wait/1", b);
        assertThat(backends.liveKeys()).isEqualTo(1);

        waitForLog(b, "reached its TTL (3s) at ");
        assertThat(backends.liveKeys()).isZero();
        j.assertLogContains("and was revoked while the block still ran", b);
        j.assertLogContains("Raise ttl: (max 2h for role evals)", b);

        SemaphoreStep.success("wait/1", null);
        j.assertBuildStatusSuccess(j.waitForCompletion(b));
        j.assertLogContains("was already revoked when its TTL (3s) ended at ", b);
        j.assertLogNotContains("Revoked key_", b);
        assertThat(backends.revokes()).isEqualTo(1);
        assertThat(BuildDirectory.filesLeaking(b, backends.mintedKeyValues())).isEmpty();
    }

    @Test
    void aBlockEndingBeforeItsTtlLeavesNoTimer() throws Exception {
        WorkflowJob p = job("quick", "withOpenAIKey(role: 'evals', ttl: '2s') { echo 'quick' }");
        WorkflowRun b = j.buildAndAssertSuccess(p);
        j.assertLogContains("Revoked key_", b);
        Thread.sleep(4_000); // past the TTL: a timer left behind would now blame a block long finished
        j.assertLogNotContains("reached its TTL", b);
        assertThat(backends.revokes()).isEqualTo(1);
    }

    @Test
    void freestyleKeyExpiringMidBuildIsExplained() throws Exception {
        FreeStyleProject p = j.createFreeStyleProject("free-ttl");
        OpenAIKeyBuildWrapper wrapper = new OpenAIKeyBuildWrapper("evals");
        wrapper.setTtl("2s");
        p.getBuildWrappersList().add(wrapper);
        p.getBuildersList().add(new SleepBuilder(6_000));
        FreeStyleBuild b = j.buildAndAssertSuccess(p);
        j.assertLogContains("reached its TTL (2s) at ", b);
        j.assertLogContains("and was revoked while the build still ran", b);
        j.assertLogContains("was already revoked when its TTL (2s) ended at ", b);
        j.assertLogNotContains("Revoked key_", b);
        assertThat(backends.revokes()).isEqualTo(1);
        assertThat(backends.liveKeys()).isZero();
    }

    @Test
    void thePeriodicTaskLeavesARunningBuildsExpiredKeyToItsBlockDuringTheGrace() throws Exception {
        WorkflowJob p = job("grace", "withOpenAIKey('evals') { semaphore 'wait' }");
        WorkflowRun b = p.scheduleBuild2(0).waitForStart();
        SemaphoreStep.waitForStart("wait/1", b);
        RevocationHandle h = KeyRuntime.get().ledger().pending().iterator().next();

        assertThat(OrphanedKeys.isOrphan(h, h.expiresAt().plusSeconds(1))).isFalse();
        assertThat(OrphanedKeys.isOrphan(h, h.expiresAt().plus(OrphanedKeys.EXPIRY_GRACE).minusSeconds(1)))
                .isFalse();
        assertThat(OrphanedKeys.isOrphan(h, h.expiresAt().plus(OrphanedKeys.EXPIRY_GRACE))).isTrue();
        // The periodic pass right after the expiry revokes nothing of a running build.
        assertThat(OrphanedKeys.retryAll(h.expiresAt().plusSeconds(1))).isZero();
        assertThat(backends.liveKeys()).isEqualTo(1);

        SemaphoreStep.success("wait/1", null);
        j.assertBuildStatusSuccess(j.waitForCompletion(b));
        assertThat(backends.liveKeys()).isZero();
    }

    @Test
    void ttlRevocationRunsOnThePluginsOwnThreads() throws Exception {
        backends.openai.latency(Endpoint.DELETE_SERVICE_ACCOUNT, Duration.ofSeconds(3));
        WorkflowJob p = job("threads", "withOpenAIKey(role: 'evals', ttl: '1s') { semaphore 'wait' }");
        WorkflowRun b = p.scheduleBuild2(0).waitForStart();
        SemaphoreStep.waitForStart("wait/1", b);
        long deadline = System.currentTimeMillis() + 20_000;
        List<String> revoking = List.of();
        while (revoking.isEmpty() && System.currentTimeMillis() < deadline) {
            revoking = Thread.getAllStackTraces().entrySet().stream()
                    .filter(e -> Arrays.stream(e.getValue())
                            .anyMatch(f -> f.getMethodName().equals("revokeAtTtl")))
                    .map(e -> e.getKey().getName() + (e.getKey().isDaemon() ? " (daemon)" : ""))
                    .toList();
            Thread.sleep(20);
        }
        assertThat(revoking).isNotEmpty().allMatch(n -> n.startsWith("OpenAI ephemeral keys") && n.endsWith("(daemon)"));
        waitForLog(b, "reached its TTL (1s)");
        SemaphoreStep.success("wait/1", null);
        j.assertBuildStatusSuccess(j.waitForCompletion(b));
        assertThat(backends.liveKeys()).isZero();
    }

    @Test
    void thePluginsThreadsStopWhenJenkinsTerminates() {
        KeyTasks tasks = KeyTasks.get();
        assertThat(tasks.isShutdown()).isFalse();
        KeyTasks.shutDown();
        assertThat(tasks.isShutdown()).isTrue();
        // Work submitted afterwards (a build finalized during shutdown) is dropped quietly, not thrown.
        tasks.submitQuietly("test", () -> { });
    }
}
