package io.jenkins.plugins.openaikeys.core.policy;

import io.jenkins.plugins.openaikeys.core.broker.BrokerException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RoleTest {

    private static final Duration H1 = Duration.ofHours(1);

    private static Role role(String name, String org, String project, String engineRole, Duration ttl,
                             Duration max, String variable, String template, List<String> jobs) {
        return new Role(name, org, project, engineRole, ttl, max, variable, template, jobs);
    }

    @Test
    void normalisesOptionalParts() {
        Role r = role("evals", "main", " proj_1 ", " ", H1, null, null, "  ", Arrays.asList("team/*", " ", null, " x/** "));
        assertThat(r.projectId()).isEqualTo("proj_1");
        assertThat(r.engineRole()).isNull();
        assertThat(r.maxTtl()).isEqualTo(H1);
        assertThat(r.variable()).isEqualTo("OPENAI_API_KEY");
        assertThat(r.nameTemplate()).isNull();
        assertThat(r.allowedJobs()).containsExactly("team/*", "x/**");
        assertThat(role("e", "o", null, "r", H1, H1, " ", null, null).allowedJobs()).isEmpty();
    }

    @Test
    void allowedJobsAreACopy() {
        List<String> jobs = new java.util.ArrayList<>(List.of("a/*"));
        Role r = role("evals", "main", "p", null, H1, H1, null, null, jobs);
        jobs.add("b/*");
        assertThat(r.allowedJobs()).containsExactly("a/*");
        assertThatThrownBy(() -> r.allowedJobs().add("c")).isInstanceOf(UnsupportedOperationException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"evals", "team.evals", "a-b_c.9", "X"})
    void acceptsNames(String name) {
        assertThat(role(name, "o", "p", null, H1, H1, null, null, null).name()).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a b", "evals/x", "ünï", "a:b"})
    void rejectsNames(String name) {
        assertThatThrownBy(() -> role(name, "o", "p", null, H1, H1, null, null, null))
                .isInstanceOf(BrokerException.class)
                .hasMessage("Role name '" + name + "' is not valid: use 1 to 64 letters, digits, '_', '.' or '-'");
    }

    @Test
    void rejectsOverlongAndNullNames() {
        assertThatThrownBy(() -> role("a".repeat(65), "o", "p", null, H1, H1, null, null, null))
                .isInstanceOf(BrokerException.class);
        assertThatThrownBy(() -> role(null, "o", "p", null, H1, H1, null, null, null))
                .hasMessage("Role name '' is not valid: use 1 to 64 letters, digits, '_', '.' or '-'");
    }

    @Test
    void needsAnOrganizationButNotAlwaysAProjectOrEngineRole() {
        assertThatThrownBy(() -> role("evals", " ", "p", null, H1, H1, null, null, null))
                .hasMessage("Role evals has no organization: choose the OpenAI organization that mints its keys");
        // A litellmProxy role needs neither; RoleCatalog checks what each organization kind needs.
        Role proxy = role("evals", "o", " ", null, H1, H1, null, null, null);
        assertThat(proxy.projectId()).isNull();
        assertThat(proxy.engineRole()).isNull();
        assertThat(proxy.models()).isEmpty();
        assertThat(proxy.maxBudget()).isNull();
    }

    @Test
    void ttlMustBePositiveAndWithinMax() {
        assertThatThrownBy(() -> role("evals", "o", "p", null, null, H1, null, null, null))
                .hasMessage("Role evals has no positive TTL: set one such as 30m or 1h");
        assertThatThrownBy(() -> role("evals", "o", "p", null, Duration.ZERO, H1, null, null, null))
                .isInstanceOf(BrokerException.class);
        assertThatThrownBy(() -> role("evals", "o", "p", null, Duration.ofMinutes(-1), H1, null, null, null))
                .isInstanceOf(BrokerException.class);
        assertThatThrownBy(() -> role("evals", "o", "p", null, Duration.ofHours(2), H1, null, null, null))
                .hasMessage("Role evals's TTL 2h is above its max TTL 1h: lower the TTL or raise the max TTL");
        assertThat(role("evals", "o", "p", null, Duration.ofMinutes(30), H1, null, null, null).maxTtl()).isEqualTo(H1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"OPENAI_API_KEY", "_x", "k9", "OPENAI_KEY"})
    void acceptsVariables(String variable) {
        assertThat(role("evals", "o", "p", null, H1, H1, variable, null, null).variable()).isEqualTo(variable);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PATH", "HOME", "path", "LD_PRELOAD", "WORKSPACE", "BUILD_NUMBER"})
    void refusesVariablesTheBuildNeeds(String variable) {
        assertThatThrownBy(() -> role("evals", "o", "p", null, H1, H1, variable, null, null))
                .isInstanceOf(BrokerException.class)
                .hasMessage("Role evals's variable '" + variable + "' is a variable the build itself needs: choose"
                        + " another name such as OPENAI_API_KEY");
        assertThat(Role.variableProblem("OPENAI_KEY")).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"9KEY", "OPENAI-KEY", "A B", "A=B", "$X"})
    void rejectsVariables(String variable) {
        assertThatThrownBy(() -> role("evals", "o", "p", null, H1, H1, variable, null, null))
                .isInstanceOf(BrokerException.class)
                .hasMessage("Role evals's variable '" + variable + "' is not a valid environment variable name:"
                        + " use letters, digits and '_', not starting with a digit");
    }

    @Test
    void validatesTheNameTemplate() {
        assertThat(role("evals", "o", "p", null, H1, H1, null, "{prefix}-{role}-{expiry}-{random}", null)
                .nameTemplate()).isEqualTo("{prefix}-{role}-{expiry}-{random}");
        assertThatThrownBy(() -> role("evals", "o", "p", null, H1, H1, null, "{prefix}-{role}", null))
                .isInstanceOf(BrokerException.class).hasMessageContaining("-{expiry}-{random}");
    }
}
