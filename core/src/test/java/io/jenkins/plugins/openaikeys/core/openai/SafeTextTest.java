package io.jenkins.plugins.openaikeys.core.openai;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SafeTextTest {

    @Test
    void blanksKeyShapedTokensAndKeepsTheSentence() {
        assertThat(SafeText.of("Incorrect API key provided: sk-admin-abc***********wxyz. You can find it."))
                .isEqualTo("Incorrect API key provided: sk-****. You can find it.");
        assertThat(SafeText.of("redacted sk-admin...xyz here")).isEqualTo("redacted sk-**** here");
        assertThat(SafeText.of("header Bearer abc.def")).isEqualTo("header Bearer ****");
    }

    @Test
    void collapsesWhitespaceAndTruncates() {
        assertThat(SafeText.of("a\n\n  b")).isEqualTo("a b");
        String cut = SafeText.of("word ".repeat(100));
        assertThat(cut).hasSizeLessThanOrEqualTo(SafeText.MAX).endsWith("…");
        assertThat(SafeText.of(null)).isNull();
    }

    @Test
    void userAgentNamesTheProduct() {
        assertThat(UserAgent.value()).startsWith("openai-ephemeral-keys/");
    }
}
