package io.jenkins.plugins.openaikeys.core.vault;

import io.jenkins.plugins.openaikeys.core.vault.VaultException.Kind;
import io.jenkins.plugins.openaikeys.core.vault.fake.FakeTokenSpec;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VaultKvTest extends VaultTestSupport {

    @Test
    void readsCurrentAndOlderVersions() {
        vault.root().kvPut("secret", "openai/org1", Map.of("admin_api_key", "sk-admin-one-SECRET", "organization_id", "org-1"));
        vault.root().kvPut("secret", "openai/org1", Map.of("admin_api_key", "sk-admin-two-SECRET", "organization_id", "org-1"));
        VaultClient c = client();
        KvSecret now = c.kvRead("secret", "openai/org1");
        assertThat(now.version()).isEqualTo(2);
        assertThat(now.secretField("admin_api_key").reveal()).isEqualTo("sk-admin-two-SECRET");
        assertThat(c.kvRead("/secret/", "/openai/org1", 1).secretField("admin_api_key").reveal())
                .isEqualTo("sk-admin-one-SECRET");
        assertThat(now.toString()).contains("admin_api_key", "organization_id", "v2").doesNotContain("SECRET");
    }

    @Test
    void missingPathAndMissingFieldAreClear() {
        VaultClient c = client();
        assertThatThrownBy(() -> c.kvRead("secret", "openai/org9"))
                .isInstanceOfSatisfying(VaultException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND);
                    assertThat(e.status()).isEqualTo(404);
                })
                .hasMessage("No secret at secret/data/openai/org9: check the KV mount and path, and that the secret exists");
        vault.root().kvPut("secret", "openai/org1", Map.of("organization_id", "org-1"));
        KvSecret s = c.kvRead("secret", "openai/org1");
        assertThat(s.field("admin_api_key")).isNull();
        assertThatThrownBy(() -> s.secretField("admin_api_key"))
                .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND))
                .hasMessage("The Vault secret secret/openai/org1 (version 1) has no field admin_api_key: add it to the secret");
    }

    @Test
    void casWriteSucceedsAndConflictIsReported() {
        VaultClient c = client();
        assertThat(c.kvWrite("secret", "openai/org1", Map.of("k", "v1"), 0)).isEqualTo(1);
        assertThat(c.kvWrite("secret", "openai/org1", Map.of("k", "v2"), 1)).isEqualTo(2);
        assertThat(c.kvWrite("secret", "openai/org1", Map.of("k", "v3"), null)).isEqualTo(3);
        assertThatThrownBy(() -> c.kvWrite("secret", "openai/org1", Map.of("k", "lost"), 2))
                .isInstanceOfSatisfying(VaultException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.CAS_MISMATCH);
                    assertThat(e.status()).isEqualTo(400);
                })
                .hasMessage("Another writer changed secret/openai/org1 since version 2: read it again and retry");
        assertThat(vault.root().kvData("secret", "openai/org1")).containsEntry("k", "v3");
    }

    @Test
    void casWriteIsNotReplayedAfterServerError() {
        VaultClient c = client();
        c.kvWrite("secret", "x", Map.of("k", "v1"), 0);
        vault.failNext("POST secret/data/x", 1, 502);
        assertThatThrownBy(() -> c.kvWrite("secret", "x", Map.of("k", "v2"), 1))
                .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.kind()).isEqualTo(Kind.SERVER_ERROR));
        assertThat(vault.calls("POST secret/data/x")).isEqualTo(2);
        // A plain write may be replayed.
        vault.failNext("POST secret/data/x", 1, 502);
        assertThat(c.kvWrite("secret", "x", Map.of("k", "v3"), null)).isEqualTo(2);
    }

    /**
     * A performance standby that has not caught up with a write answers 412 (the request's
     * index state is not there yet): Vault did nothing, so the read is sent again and succeeds.
     */
    @Test
    void aReadAfterAWriteThatAStandbyHasNotCaughtUpWithIsRetriedUntilItSucceeds() {
        VaultClient c = client();
        c.kvWrite("secret", "x", Map.of("k", "fresh"), null);
        vault.respondNext("GET secret/data/x", 2, 412, "{\"errors\":[\"required index state not present\"]}");

        assertThat(c.kvRead("secret", "x").field("k")).isEqualTo("fresh");

        assertThat(vault.calls("GET secret/data/x")).isEqualTo(3);
        assertThat(time.sleeps()).hasSize(2);
        assertThat(logs).noneMatch(r -> r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue());
    }

    @Test
    void customMetadataRoundTrip() {
        VaultClient c = client();
        c.kvWrite("secret", "openai/org1", Map.of("k", "v"), null);
        assertThat(c.kvReadCustomMetadata("secret", "openai/org1")).isEmpty();
        c.kvWriteCustomMetadata("secret", "openai/org1", Map.of("last_rotated", "2026-11-22T12:00:00Z"));
        assertThat(c.kvReadCustomMetadata("secret", "openai/org1")).containsExactly(
                Map.entry("last_rotated", "2026-11-22T12:00:00Z"));
        assertThat(c.kvRead("secret", "openai/org1").customMetadata()).containsEntry("last_rotated", "2026-11-22T12:00:00Z");
        assertThatThrownBy(() -> c.kvReadCustomMetadata("secret", "nope"))
                .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND));
    }

    @Test
    void namespacesAreIsolated() {
        vault.namespace("team-a").enableKv("secret").enableAppRole("approle", "j", "rid-a", "sid-a",
                FakeTokenSpec.ttl(Duration.ofHours(1)));
        vault.namespace("team-a").kvPut("secret", "openai/org1", Map.of("k", "team-a"));
        vault.root().kvPut("secret", "openai/org1", Map.of("k", "root"));
        VaultClient a = client(VaultEndpoint.of(vault.address()).withNamespace("team-a"),
                new AppRoleAuth(null, "rid-a", io.jenkins.plugins.openaikeys.core.SecretString.of("sid-a")));
        assertThat(a.kvRead("secret", "openai/org1").field("k")).isEqualTo("team-a");
        assertThat(client().kvRead("secret", "openai/org1").field("k")).isEqualTo("root");
        // root's AppRole does not exist in team-a
        assertThatThrownBy(() -> client(VaultEndpoint.of(vault.address()).withNamespace("team-a"), appRole())
                .kvRead("secret", "openai/org1"))
                .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.kind()).isEqualTo(Kind.LOGIN_FAILED));
    }

    @Test
    void pathTraversalIsRefused() {
        VaultClient c = client();
        assertThatThrownBy(() -> c.kvRead("secret", "openai/../../sys/raw"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.kvRead("", "a")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void kvV1OrOtherMountAnswerIsMalformed() {
        vault.respondNext("GET secret/data/a", 1, 200, "{\"data\":{\"k\":\"v\"}}");
        assertThatThrownBy(() -> client().kvRead("secret", "a"))
                .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.kind()).isEqualTo(Kind.MALFORMED_RESPONSE))
                .hasMessageContaining("KV version 2");
    }
}
