package io.jenkins.plugins.openaikeys.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.openaikeys.core.broker.BrokerException;
import io.jenkins.plugins.openaikeys.core.source.SourceKind;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Models and max budget: which organization kinds take them, and the sentence when one does not. */
class LiteLlmRoleCatalogTest {

    private static final Map<String, SourceKind> ORGS = Map.of("lab", SourceKind.ADMIN_API,
            "eng", SourceKind.VAULT_ENGINE, "lle", SourceKind.LITELLM_ENGINE, "llp", SourceKind.LITELLM_PROXY);

    private static RoleSpec spec(String name, String org, String project, String engineRole, String models,
                                 String budget) {
        return new RoleSpec(name, org, project, engineRole, "30m", "1h", null, null, List.of("**"), models, budget);
    }

    @Test
    void aProxyRoleTakesModelsAndABudgetAndNeedsNoProjectOrEngineRole() {
        RoleCatalog c = RoleCatalog.of(List.of(spec("chat", "llp", null, null, "gpt-4o,\n gpt-4o-mini\n", "12.50"),
                spec("all", "llp", null, null, " ", null), spec("team", "lle", null, "team-a", null, null)), ORGS);
        assertThat(c.problems()).isEmpty();
        Role chat = c.roles().get("chat");
        assertThat(chat.models()).containsExactly("gpt-4o", "gpt-4o-mini");
        assertThat(chat.maxBudget()).isEqualByComparingTo(new BigDecimal("12.5"));
        assertThat(c.roles().get("all").models()).isEmpty();
        assertThat(c.roles().get("all").maxBudget()).isNull();
    }

    @Test
    void limitsWhereTheKindCannotApplyThemAreRefusedByName() {
        RoleCatalog c = RoleCatalog.of(List.of(
                spec("openai", "lab", "proj_1", null, "gpt-4o", null),
                spec("vaulted", "eng", null, "r", null, "5"),
                spec("engine", "lle", null, "team-a", "gpt-4o", null),
                spec("noengine", "lle", null, null, null, null),
                spec("proxyproject", "llp", "proj_1", null, null, null),
                spec("broke", "llp", null, null, null, "-3"),
                spec("twice", "llp", null, null, "a,a", null),
                spec("spaces", "llp", null, null, "gpt 4o", null)), ORGS);
        assertThat(c.roles()).isEmpty();
        assertThat(c.problems()).containsExactly(
                "Role openai sets models or a max budget, which only a LiteLLM organization applies, but organization"
                        + " lab mints OpenAI keys: clear them",
                "Role vaulted sets models or a max budget, which only a LiteLLM organization applies, but organization"
                        + " eng mints OpenAI keys: clear them",
                "Role engine sets models or a max budget, but the LiteLLM engine role 'team-a' in Vault fixes them for"
                        + " organization lle: clear them here and set them in the engine role's key_request",
                "Role noengine mints through the Vault secrets engine of organization lle and needs the engine's role"
                        + " name: set it",
                "Role proxyproject names an OpenAI project or an engine role, which the LiteLLM proxy organization llp"
                        + " ignores: clear them",
                "Role broke's max budget '-3' is not a positive amount: use a number such as 5 or 12.50, or leave it"
                        + " empty",
                "Role twice lists model a twice: remove one",
                "Role spaces's model 'gpt 4o' is not a model name: use the model names of the LiteLLM proxy, one per"
                        + " line, e.g. gpt-4o-mini");
    }

    @Test
    void aBudgetMustBeAPositiveAmount() {
        assertThat(Role.parseBudget("r", " ")).isNull();
        assertThat(Role.parseBudget("r", "0.5")).isEqualByComparingTo("0.5");
        assertThatThrownBy(() -> Role.parseBudget("r", "lots")).isInstanceOf(BrokerException.class)
                .hasMessage("Role r's max budget 'lots' is not a positive amount: use a number such as 5 or 12.50, or"
                        + " leave it empty");
        assertThatThrownBy(() -> Role.parseBudget("r", "0")).isInstanceOf(BrokerException.class);
        assertThatThrownBy(() -> Role.parseBudget("r", "1e30")).isInstanceOf(BrokerException.class);
    }

    @Test
    void organizationProblemsOfTheLiteLlmKinds() {
        assertThat(OrganizationSpec.problems(List.of(
                new OrganizationSpec("p", SourceKind.LITELLM_PROXY, "secret", " "),
                new OrganizationSpec("e", SourceKind.LITELLM_ENGINE, "litellm", null, "ftp://x"),
                new OrganizationSpec("f", SourceKind.LITELLM_ENGINE, "litellm", null, "https://u:p@x"),
                new OrganizationSpec("g", SourceKind.LITELLM_ENGINE, " ", null, "https://litellm.example.com"),
                new OrganizationSpec("ok", SourceKind.LITELLM_ENGINE, "litellm", null, "https://litellm.example.com/"))))
                .containsExactly(
                        "Organization p has no KV path: set the path of its LiteLLM proxy configuration (base_url and"
                                + " master_key) inside the KV v2 mount, e.g. litellm/p",
                        "Organization e's proxy URL 'ftp://x' is not an http or https URL: use e.g."
                                + " https://litellm.example.com",
                        "Organization f's proxy URL 'https://x…' carries credentials, a query or a fragment: give only"
                                + " scheme, host, port and path",
                        "Organization g has no secrets engine mount: set the path where the LiteLLM secrets engine is"
                                + " mounted, e.g. litellm");
    }
}
