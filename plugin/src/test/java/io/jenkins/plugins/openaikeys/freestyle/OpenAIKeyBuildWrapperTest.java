package io.jenkins.plugins.openaikeys.freestyle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import hudson.Functions;
import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import hudson.model.Result;
import hudson.tasks.Shell;
import io.jenkins.plugins.openaikeys.BuildDirectory;
import io.jenkins.plugins.openaikeys.FakeBackends;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

@WithJenkins
class OpenAIKeyBuildWrapperTest {

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

    @Test
    void bindsMasksAndRevokes() throws Exception {
        assumeFalse(Functions.isWindows(), "uses sh");
        FreeStyleProject p = j.createFreeStyleProject("free");
        p.getBuildWrappersList().add(new OpenAIKeyBuildWrapper("evals"));
        // base64 on one line: it wraps at 76 columns, and a wrapped key is neither masked nor found by the checks below
        p.getBuildersList().add(new Shell("echo \"key=$OPENAI_API_KEY id=$OPENAI_API_KEY_ID\"; "
                + "echo \"b64=$(printf %s \"$OPENAI_API_KEY\" | base64 | tr -d \"\\n\")\""));
        FreeStyleBuild b = j.buildAndAssertSuccess(p);
        j.assertLogContains("key=****", b);
        j.assertLogContains("b64=****", b);
        j.assertLogContains("id=key_", b);
        j.assertLogContains("Revoked key_", b);
        assertThat(BuildDirectory.filesLeaking(b, backends.mintedKeyValues())).isEmpty();
        assertThat(backends.revokes()).isEqualTo(1);
        assertThat(backends.liveKeys()).isZero();
    }

    @Test
    void failingBuildStillRevokes() throws Exception {
        assumeFalse(Functions.isWindows(), "uses sh");
        FreeStyleProject p = j.createFreeStyleProject("free-fails");
        p.getBuildWrappersList().add(new OpenAIKeyBuildWrapper("evals"));
        p.getBuildersList().add(new Shell("exit 1"));
        j.buildAndAssertStatus(Result.FAILURE, p);
        assertThat(backends.revokes()).isEqualTo(1);
        assertThat(backends.liveKeys()).isZero();
    }

    @Test
    void disallowedJobMintsNothing() throws Exception {
        FreeStyleProject p = j.createFreeStyleProject("free-not-allowed");
        p.getBuildWrappersList().add(new OpenAIKeyBuildWrapper("restricted"));
        FreeStyleBuild b = j.buildAndAssertStatus(Result.FAILURE, p);
        j.assertLogContains("restricted", b);
        assertThat(backends.mints()).isZero();
    }

    @Test
    void configRoundTrip() throws Exception {
        FreeStyleProject p = j.createFreeStyleProject("free-config");
        OpenAIKeyBuildWrapper before = new OpenAIKeyBuildWrapper("evals");
        before.setVariable("MY_KEY");
        before.setTtl("20m");
        p.getBuildWrappersList().add(before);
        j.configRoundtrip(p);
        j.assertEqualDataBoundBeans(before, p.getBuildWrappersList().get(OpenAIKeyBuildWrapper.class));
    }
}
