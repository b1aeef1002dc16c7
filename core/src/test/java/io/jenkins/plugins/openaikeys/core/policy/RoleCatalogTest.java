package io.jenkins.plugins.openaikeys.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.openaikeys.core.broker.BrokerException;
import io.jenkins.plugins.openaikeys.core.broker.KeyBroker;
import io.jenkins.plugins.openaikeys.core.broker.RevokeBackoff;
import io.jenkins.plugins.openaikeys.core.ledger.InMemoryRevocationLedger;
import io.jenkins.plugins.openaikeys.core.source.SourceKind;
import io.jenkins.plugins.openaikeys.core.testing.FakeTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoleCatalogTest {

    private static final Map<String, SourceKind> ORGS = Map.of("lab", SourceKind.ADMIN_API,
            "eng", SourceKind.VAULT_ENGINE);

    private static RoleSpec admin(String name, String ttl, String maxTtl) {
        return new RoleSpec(name, "lab", "proj_1", null, ttl, maxTtl, null, null, List.of("**"));
    }

    @Test
    void validRolesAreServedInOrder() {
        RoleCatalog c = RoleCatalog.of(List.of(admin("a", "30m", "1h"),
                new RoleSpec("b", "eng", null, "deployer", "10m", null, "KEY", null, List.of("team/*"))), ORGS);
        assertThat(c.problems()).isEmpty();
        assertThat(c.roles().keySet()).containsExactly("a", "b");
        assertThat(c.roles().get("a").maxTtl()).isEqualTo(Duration.ofHours(1));
        assertThat(c.unusable()).isEmpty();
    }

    @Test
    void everyProblemNamesItsRole() {
        RoleCatalog c = RoleCatalog.of(List.of(
                admin("ttl", "abc", null),
                admin("low", "1h", "30m"),
                admin("bad role!", "30m", null),
                new RoleSpec("orphan", "nowhere", "proj_1", null, "30m", null, null, null, List.of()),
                new RoleSpec("mixed", "lab", "proj_1", "deployer", "30m", null, null, null, List.of()),
                new RoleSpec("noproj", "lab", null, null, "30m", null, null, null, List.of()),
                new RoleSpec("noengine", "eng", "proj_1", null, "30m", null, null, null, List.of()),
                new RoleSpec("tpl", "lab", "proj_1", null, "30m", null, null, "{nope}", List.of()),
                new RoleSpec(" ", "lab", "proj_1", null, "30m", null, null, null, List.of())), ORGS);
        assertThat(c.roles()).isEmpty();
        assertThat(c.problems()).hasSize(9);
        assertThat(c.problems().get(0)).isEqualTo("Role ttl's TTL 'abc' is not a positive duration: use e.g. 30m,"
                + " 1h, 90s or seconds");
        assertThat(c.problems().get(1)).isEqualTo("Role low's TTL 1h is above its max TTL 30m: lower the TTL or"
                + " raise the max TTL");
        assertThat(c.problems().get(2)).startsWith("Role name 'bad role!' is not valid");
        assertThat(c.problems().get(3)).isEqualTo("Role orphan uses organization 'nowhere', which is not configured:"
                + " add it under Organizations or choose another one");
        assertThat(c.problems().get(4)).startsWith("Role mixed names the secrets engine role 'deployer', but"
                + " organization lab mints through the Admin API");
        assertThat(c.problems().get(5)).startsWith("Role noproj mints in the Admin API organization lab and needs an"
                + " OpenAI project id");
        assertThat(c.problems().get(6)).startsWith("Role noengine mints through the Vault secrets engine");
        assertThat(c.problems().get(7)).contains("{nope}");
        assertThat(c.problems().get(8)).isEqualTo("Role number 9 has no name: give it one");
        assertThat(c.unusable()).containsKeys("ttl", "low", "orphan", "mixed", "noproj", "noengine", "tpl");
    }

    @Test
    void aNameDefinedTwiceServesNeither() {
        RoleCatalog c = RoleCatalog.of(List.of(admin("dup", "30m", null), admin("ok", "30m", null),
                admin("dup", "10m", null)), ORGS);
        assertThat(c.roles().keySet()).containsExactly("ok");
        assertThat(c.problems()).containsExactly("Role dup is defined twice: rename or remove one");
        assertThat(c.unusable()).containsEntry("dup", "Role dup is defined twice: rename or remove one");
    }

    @Test
    void aBuildAskingForAnUnusableRoleIsToldWhy() {
        RoleCatalog c = RoleCatalog.of(List.of(admin("ui-admin", "abc", null), admin("ui-engine", "30m", null)),
                ORGS);
        KeyBroker broker = new KeyBroker(c.roles(), c.unusable(), Map.of(), new InMemoryRevocationLedger(),
                new FakeTime(), new ServiceAccountNames(), RevokeBackoff.DEFAULT);
        assertThatThrownBy(() -> broker.role("ui-admin")).isInstanceOf(BrokerException.class)
                .hasMessage("OpenAI key role 'ui-admin' is configured but cannot be used: Role ui-admin's TTL 'abc'"
                        + " is not a positive duration: use e.g. 30m, 1h, 90s or seconds under"
                        + " Manage Jenkins → System → OpenAI Ephemeral Keys");
        assertThatThrownBy(() -> broker.role("other")).hasMessageStartingWith("No OpenAI key role named 'other'");
    }

    @Test
    void organizationProblemsNameTheOrganization() {
        List<String> p = OrganizationSpec.problems(List.of(
                new OrganizationSpec("lab", SourceKind.ADMIN_API, "secret", "openai/lab"),
                new OrganizationSpec("lab", SourceKind.VAULT_ENGINE, "openai", null),
                new OrganizationSpec("kv", SourceKind.ADMIN_API, "secret", "data/openai/lab"),
                new OrganizationSpec("nopath", SourceKind.ADMIN_API, "secret", " "),
                new OrganizationSpec("nomount", SourceKind.VAULT_ENGINE, null, null),
                new OrganizationSpec("bad name", SourceKind.VAULT_ENGINE, "openai", null),
                new OrganizationSpec(null, SourceKind.VAULT_ENGINE, "openai", null)));
        assertThat(p).containsExactly(
                "Organization lab is defined twice: rename or remove one",
                "Organization kv's KV path 'data/openai/lab' starts with 'data/': give the path inside the mount"
                        + " without it (Vault's KV v2 API adds it), e.g. openai/lab",
                "Organization nopath has no KV path: set the path of its admin configuration inside the KV v2"
                        + " mount, e.g. openai/nopath",
                "Organization nomount has no secrets engine mount: set the path where Vault's OpenAI secrets engine"
                        + " is mounted, e.g. openai",
                "Organization name 'bad name' is not valid: use 1 to 64 letters, digits, '_', '.' or '-'",
                "Organization number 7 has no name: give it one, roles refer to it");
        assertThat(OrganizationSpec.problems(List.of(
                new OrganizationSpec("ok", SourceKind.ADMIN_API, "secret", "openai/ok")))).isEmpty();
    }
}
