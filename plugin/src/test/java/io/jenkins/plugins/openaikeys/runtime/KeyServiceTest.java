package io.jenkins.plugins.openaikeys.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import hudson.util.StreamTaskListener;
import io.jenkins.plugins.openaikeys.FakeBackends;
import io.jenkins.plugins.openaikeys.core.broker.MintedKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** The revoke that every path between a mint and the start of its block takes on any failure. */
@WithJenkins
class KeyServiceTest {

    private JenkinsRule j;
    private FakeBackends backends;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

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
    void aCheckedFailureAfterTheMintRevokesTheKey() throws Exception {
        FreeStyleProject p = j.createFreeStyleProject("after-mint");
        FreeStyleBuild b = j.buildAndAssertSuccess(p);
        StreamTaskListener listener = new StreamTaskListener(out, StandardCharsets.UTF_8);

        MintedKey key = KeyService.mint("evals", null, b, listener);
        assertThat(backends.liveKeys()).isEqualTo(1);
        IOException failure = new IOException("the block could not start");
        KeyService.revokeAfterFailure(key, listener, failure);

        assertThat(backends.liveKeys()).isZero();
        assertThat(failure.getSuppressed()).isEmpty();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Revoked " + key.keyId());
        assertThat(KeyService.pending(key.handle().id())).isEmpty();
    }
}
