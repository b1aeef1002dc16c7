package io.jenkins.plugins.openaikeys.acceptance;

import io.jenkins.plugins.openaikeys.acceptance.support.AcceptanceJenkins;
import io.jenkins.plugins.openaikeys.acceptance.support.JenkinsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The controller stops (cleanly, or killed) while a build sits in the body; on the same home it
 * resumes the build, the key is still bound and masked, and the block's end revokes it. The body
 * waits on a file with {@code waitUntil { fileExists(...) }}: a step that survives a restart and
 * does not depend on timing.
 */
class RestartTest {

    @RegisterExtension
    static final AcceptanceJenkins j = new AcceptanceJenkins("restart").revokeWait(Duration.ofMinutes(2));

    private void restartMidBody(String job, boolean kill) throws Exception {
        Path flag = j.controller.dir().resolve(job + "-flag");
        Files.deleteIfExists(flag);
        JenkinsClient admin = j.admin();
        admin.pipeline(job, "node { withOpenAIKey('evals') {\n"
                + "  sh 'echo \"before=$OPENAI_API_KEY\"'\n"
                + "  waitUntil { fileExists('" + flag + "') }\n"
                + "  sh 'echo \"after=$OPENAI_API_KEY\"'\n"
                + "} }");
        int n = admin.trigger(job);
        admin.awaitConsole(job, n, "^before=", Duration.ofMinutes(2));
        Thread.sleep(2000); // let the program state reach disk at the waitUntil
        List<String> keys = j.keysMintedInThisTest();
        assertThat(keys).hasSize(1);
        if (kill) {
            j.controller.kill();
            j.controller.start();
        } else {
            j.controller.restart();
        }
        assertThat(j.backends.openai.isLiveKey(keys.get(0))).as("the key lives on while the build waits").isTrue();
        Files.writeString(flag, "go");
        JenkinsClient again = j.admin();
        String result = again.awaitResult(job, n, Duration.ofMinutes(5));
        String console = again.console(job, n);
        assertThat(result).as(console).isEqualTo("SUCCESS");
        assertThat(console).contains("before=****").contains("after=****").contains("Revoked key_")
                .doesNotContain(keys.get(0));
    }

    @Test
    void cleanRestartWhileTheBodyRuns() throws Exception {
        restartMidBody("restart-clean", false);
    }

    @Test
    void killedControllerWhileTheBodyRuns() throws Exception {
        restartMidBody("restart-kill", true);
    }
}
