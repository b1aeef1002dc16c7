package io.jenkins.plugins.openaikeys.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretStringTest {

    @Test
    void neverPrintsItsValue() {
        SecretString s = SecretString.of("sk-proj-abcdef123456");
        assertThat(s.toString()).isEqualTo("****");
        assertThat("key=" + s).doesNotContain("abcdef");
        assertThat(String.format("%s", s)).doesNotContain("abcdef");
        assertThat(s.reveal()).isEqualTo("sk-proj-abcdef123456");
    }

    @Test
    void isNotJavaSerializable() {
        assertThat(java.io.Serializable.class.isAssignableFrom(SecretString.class)).isFalse();
    }

    @Test
    void comparesByValue() {
        assertThat(SecretString.of("a1")).isEqualTo(SecretString.of("a1")).isNotEqualTo(SecretString.of("a2"));
    }

    @Test
    void rejectsEmpty() {
        assertThatThrownBy(() -> SecretString.of("")).isInstanceOf(IllegalArgumentException.class);
    }
}
