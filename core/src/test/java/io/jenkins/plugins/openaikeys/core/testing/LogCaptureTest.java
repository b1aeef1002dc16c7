package io.jenkins.plugins.openaikeys.core.testing;

import org.junit.jupiter.api.Test;

import java.util.logging.Level;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

class LogCaptureTest {

    private final Logger child = Logger.getLogger("io.jenkins.plugins.openaikeys.core.testing.LogCaptureTest.child");

    @Test
    void capturesEveryLevelParametersAndThrowableChains() {
        Level before = Logger.getLogger("io.jenkins.plugins.openaikeys").getLevel();
        try (LogCapture logs = LogCapture.plugin()) {
            child.log(Level.FINEST, "fine {0}", "detail");
            child.log(Level.WARNING, "failed", new IllegalStateException("outer",
                    new RuntimeException("inner cause")));

            assertThat(logs.messages()).containsExactly("fine detail", "failed");
            assertThat(logs.messagesAtLeast(Level.WARNING)).containsExactly("failed");
            assertThat(logs.allText()).contains("param: detail", "outer", "inner cause");
        }
        assertThat(Logger.getLogger("io.jenkins.plugins.openaikeys").getLevel()).isEqualTo(before);
    }

    @Test
    void stopsCapturingWhenClosed() {
        LogCapture logs = LogCapture.of("io.jenkins.plugins.openaikeys.core.testing");
        logs.close();

        child.warning("after close");

        assertThat(logs.records()).isEmpty();
    }
}
