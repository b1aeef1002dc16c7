package io.jenkins.plugins.openaikeys.steps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import hudson.Functions;
import hudson.model.Result;
import io.jenkins.plugins.openaikeys.BuildDirectory;
import io.jenkins.plugins.openaikeys.FakeBackends;
import io.jenkins.plugins.openaikeys.config.OpenAIKeysConfiguration;
import io.jenkins.plugins.openaikeys.freestyle.OpenAIKeyBuildWrapper;
import io.jenkins.plugins.openaikeys.runtime.KeyRuntime;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.jenkinsci.plugins.workflow.actions.ErrorAction;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.cps.Snippetizer;
import org.jenkinsci.plugins.workflow.graph.FlowGraphWalker;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.jenkinsci.plugins.workflow.steps.StepConfigTester;
import org.jenkinsci.plugins.workflow.test.steps.SemaphoreStep;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

@WithJenkins
class WithOpenAIKeyStepTest {

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

    private void assertNoKeyAnywhere(WorkflowRun b) throws Exception {
        String log = JenkinsRule.getLog(b);
        for (String key : backends.mintedKeyValues()) {
            assertThat(log).doesNotContain(key);
            assertThat(log).doesNotContain(Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8)));
        }
        assertThat(BuildDirectory.filesLeaking(b, backends.mintedKeyValues())).isEmpty();
    }

    @Test
    void bindsMasksAndRevokes() throws Exception {
        assumeFalse(Functions.isWindows(), "uses sh");
        WorkflowJob p = job("evals", "node { withOpenAIKey('evals') {\n"
                + "  sh 'echo \"key=$OPENAI_API_KEY id=$OPENAI_API_KEY_ID project=$OPENAI_API_KEY_PROJECT_ID\"'\n"
                // one line: base64 wraps at 76 columns, and a wrapped key is neither masked nor found by the checks below
                + "  sh 'echo \"b64=$(printf %s \"$OPENAI_API_KEY\" | base64 | tr -d \"\\\\n\")\"'\n"
                + "  sh 'test -n \"$OPENAI_API_KEY\"'\n"
                + "} }");
        WorkflowRun b = j.buildAndAssertSuccess(p);
        j.assertLogContains("Minted OpenAI key key_", b);
        j.assertLogContains("key=****", b);
        j.assertLogContains("b64=****", b);
        j.assertLogContains("project=" + backends.projectId(), b);
        j.assertLogContains("Revoked key_", b);
        assertNoKeyAnywhere(b);
        assertThat(backends.mints()).isEqualTo(1);
        assertThat(backends.revokes()).isEqualTo(1);
        assertThat(backends.liveKeys()).isZero();
    }

    @Test
    void wrappedBase64OfTheKeyIsMaskedLineByLine() throws Exception {
        assumeFalse(Functions.isWindows(), "uses sh");
        WorkflowJob p = job("wrapped", "node { withOpenAIKey('evals') {\n"
                + "  sh 'printf %s \"$OPENAI_API_KEY\" | base64'\n" // 76 columns
                + "  sh 'printf x%s \"$OPENAI_API_KEY\" | base64 -w 64'\n" // 64 columns, key one byte in
                + "  sh 'printf xy%s \"$OPENAI_API_KEY\" | base64 -w 64'\n"
                + "} }");
        WorkflowRun b = j.buildAndAssertSuccess(p);
        String log = JenkinsRule.getLog(b);
        String key = backends.mintedKeyValues().get(0);
        for (String prefix : List.of("", "x", "xy")) {
            String encoded = Base64.getEncoder().encodeToString((prefix + key).getBytes(StandardCharsets.UTF_8));
            // every two consecutive groups wholly inside the key: 6 bytes of it
            for (int at = 4; at + 12 <= encoded.length(); at += 4) {
                assertThat(log).as("prefix '%s', group %d", prefix, at / 4).doesNotContain(encoded.substring(at, at + 8));
            }
        }
        j.assertLogContains("****", b);
        assertNoKeyAnywhere(b);
    }

    @Test
    void aVariableTheBuildNeedsIsRefusedBeforeAnythingIsMinted() throws Exception {
        WorkflowJob p = job("path", "node { withOpenAIKey(role: 'evals', variable: 'PATH') { echo 'body ran' } }");
        WorkflowRun b = j.buildAndAssertStatus(Result.FAILURE, p);
        j.assertLogContains("The variable 'PATH' is a variable the build itself needs", b);
        j.assertLogNotContains("body ran", b);
        assertThat(backends.mints()).isZero();
    }

    @Test
    void customVariableAndTtl() throws Exception {
        assumeFalse(Functions.isWindows(), "uses sh");
        WorkflowJob p = job("custom", "node { withOpenAIKey(role: 'evals', variable: 'MY_KEY', ttl: '20m') {\n"
                + "  sh 'echo \"mine=$MY_KEY id=$MY_KEY_ID default=${OPENAI_API_KEY:-unset}\"'\n"
                + "} }");
        WorkflowRun b = j.buildAndAssertSuccess(p);
        j.assertLogContains("mine=****", b);
        j.assertLogContains("default=unset", b);
        assertThat(backends.liveKeys()).isZero();
    }

    @Test
    void bodyFailureRevokesOnceAndMasksTheException() throws Exception {
        WorkflowJob p = job("fails", "withOpenAIKey('evals') { error \"leaked ${env.OPENAI_API_KEY} here\" }");
        WorkflowRun b = j.buildAndAssertStatus(Result.FAILURE, p);
        j.assertLogContains("leaked **** here", b);
        j.assertLogContains("Revoked key_", b);
        assertThat(JenkinsRule.getLog(b)).doesNotContain(backends.mintedKeyValues().get(0));
        assertThat(backends.revokes()).isEqualTo(1);
        assertThat(backends.liveKeys()).isZero();
    }

    @Test
    void abortDuringBodyRevokesOnce() throws Exception {
        WorkflowJob p = job("abort-body", "withOpenAIKey('evals') { semaphore 'wait' }");
        WorkflowRun b = p.scheduleBuild2(0).waitForStart();
        SemaphoreStep.waitForStart("wait/1", b);
        assertThat(backends.liveKeys()).isEqualTo(1);
        b.doStop();
        j.assertBuildStatus(Result.ABORTED, j.waitForCompletion(b));
        j.assertLogContains("Revoked key_", b);
        assertThat(backends.revokes()).isEqualTo(1);
        assertThat(backends.liveKeys()).isZero();
    }

    @Test
    void abortWhileMintingRevokesWhatWasMinted() throws Exception {
        backends.slowMint(Duration.ofSeconds(3));
        WorkflowJob p = job("abort-mint", "withOpenAIKey('evals') { echo 'body ran' }");
        WorkflowRun b = p.scheduleBuild2(0).waitForStart();
        long started = System.currentTimeMillis();
        while (backends.mints() == 0) { // created remotely, response still delayed
            assertThat(System.currentTimeMillis() - started).as("the mint reached OpenAI").isLessThan(30_000L);
            Thread.sleep(50);
        }
        b.doStop();
        j.assertBuildStatus(Result.ABORTED, j.waitForCompletion(b));
        j.assertLogNotContains("body ran", b);
        // The account disappears at OpenAI before the broker hears back and clears the ledger: wait for both.
        long deadline = System.currentTimeMillis() + 30_000;
        while ((backends.liveKeys() > 0 || !KeyRuntime.get().ledger().pending().isEmpty())
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertThat(backends.liveKeys()).isZero();
        assertThat(KeyRuntime.get().ledger().pending()).isEmpty();
    }

    @Test
    void disallowedJobGetsOneSentenceAndNothingIsMinted() throws Exception {
        WorkflowJob p = job("not-allowed", "withOpenAIKey('restricted') { echo 'body ran' }");
        WorkflowRun b = j.buildAndAssertStatus(Result.FAILURE, p);
        j.assertLogContains("restricted", b);
        j.assertLogNotContains("body ran", b);
        j.assertLogNotContains("\tat ", b); // no stack trace for a user mistake
        assertThat(backends.mints()).isZero();
    }

    @Test
    void unknownRoleGetsOneSentence() throws Exception {
        WorkflowJob p = job("unknown", "withOpenAIKey('nosuch') { echo 'body ran' }");
        WorkflowRun b = j.buildAndAssertStatus(Result.FAILURE, p);
        j.assertLogContains("nosuch", b);
        j.assertLogNotContains("body ran", b);
        j.assertLogNotContains("\tat ", b);
        assertThat(backends.mints()).isZero();
    }

    @Test
    void snippetGeneratorRoundTrip() throws Exception {
        WithOpenAIKeyStep step = new WithOpenAIKeyStep("evals");
        j.assertEqualDataBoundBeans(step, new StepConfigTester(j).configRoundTrip(step));
        step.setVariable("MY_KEY");
        step.setTtl("20m");
        j.assertEqualDataBoundBeans(step, new StepConfigTester(j).configRoundTrip(step));
    }

    @Test
    void wrapInPipelineIsRefusedWithOneSentence() throws Exception {
        WorkflowJob p = job("wrap",
                "node { wrap([$class: 'OpenAIKeyBuildWrapper', role: 'evals']) { echo 'body ran' } }");
        WorkflowRun b = j.buildAndAssertStatus(Result.FAILURE, p);
        j.assertLogContains("In Pipeline use withOpenAIKey(role: 'evals') { … } instead of wrap(...)", b);
        j.assertLogNotContains("body ran", b);
        j.assertLogNotContains("\tat ", b); // no stack trace
        j.assertLogNotContains("Exception", b);
        assertThat(backends.mints()).isZero();
    }

    @Test
    void theWrapperIsNoPipelineStep() throws Exception {
        WorkflowJob p = job("symbol", "node { wrap(mintOpenAIKey(role: 'evals')) { echo 'body ran' } }");
        WorkflowRun b = j.buildAndAssertStatus(Result.FAILURE, p);
        j.assertLogContains("No such DSL method 'mintOpenAIKey'", b);
        j.assertLogNotContains("body ran", b);
        j.assertLogNotContains("must be called with a body", b);
        assertThat(backends.mints()).isZero();

        WorkflowJob alone = job("symbol-alone", "mintOpenAIKey(role: 'evals'); echo 'went on'");
        WorkflowRun c = j.buildAndAssertStatus(Result.FAILURE, alone);
        j.assertLogNotContains("went on", c); // not silently accepted as a value
        assertThat(backends.mints()).isZero();
    }

    @Test
    void snippetGeneratorListsOnlyTheStep() {
        Snippetizer snippetizer = new Snippetizer();
        List<Snippetizer.QuasiDescriptor> offered = new ArrayList<>(snippetizer.getQuasiDescriptors(false));
        offered.addAll(snippetizer.getQuasiDescriptors(true));
        assertThat(offered).extracting(Snippetizer.QuasiDescriptor::getSymbol)
                .contains("withOpenAIKey")
                .doesNotContain("mintOpenAIKey");
        assertThat(offered).noneMatch(d -> d.real.clazz == OpenAIKeyBuildWrapper.class);
        // The generic wrap step still lists every SimpleBuildWrapper; outside a freestyle job the
        // wrapper's form shows the Pipeline sentence instead of its fields.
        OpenAIKeyBuildWrapper.DescriptorImpl d = j.jenkins.getDescriptorByType(OpenAIKeyBuildWrapper.DescriptorImpl.class);
        assertThat(d.isPipeline()).isTrue();
        assertThat(d.getPipelineSentence()).contains("In Pipeline use withOpenAIKey(role: …) { … } instead of wrap(...)");
    }

    @Test
    void failingStepInsideTheBlockKeepsNoKeyInItsFlowNode() throws Exception {
        WorkflowJob p = job("flow-node", "withOpenAIKey('evals') {\n"
                + "  timeout(time: 5, unit: 'MINUTES') { error \"leaked ${env.OPENAI_API_KEY} here\" }\n"
                + "}");
        WorkflowRun b = j.buildAndAssertStatus(Result.FAILURE, p);
        j.assertLogContains("leaked **** here", b);
        String key = backends.mintedKeyValues().get(0);
        int errorNodes = 0;
        for (FlowNode node : new FlowGraphWalker(b.getExecution())) {
            ErrorAction error = node.getError();
            if (error != null) {
                errorNodes++;
                assertThat(Functions.printThrowable(error.getError())).as("error of node %s", node.getId())
                        .doesNotContain(key)
                        .contains("leaked **** here");
            }
        }
        assertThat(errorNodes).as("the error step, timeout, the block and the end").isGreaterThanOrEqualTo(3);
        assertThat(BuildDirectory.filesLeaking(b, backends.mintedKeyValues())).isEmpty();
        assertThat(backends.liveKeys()).isZero();
    }
}
