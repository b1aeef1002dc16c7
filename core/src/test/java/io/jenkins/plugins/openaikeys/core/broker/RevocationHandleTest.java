package io.jenkins.plugins.openaikeys.core.broker;

import io.jenkins.plugins.openaikeys.core.SecretString;
import io.jenkins.plugins.openaikeys.core.policy.Role;
import io.jenkins.plugins.openaikeys.core.policy.Roles;
import io.jenkins.plugins.openaikeys.core.source.SourceKind;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Public for the ledger tests, which store these two handles. */
public class RevocationHandleTest {

    private static final Instant EXPIRES = Instant.parse("2026-11-22T13:00:00Z");

    public static RevocationHandle adminHandle() {
        return RevocationHandle.builder(SourceKind.ADMIN_API).organization("main").role("evals")
                .projectId("proj_abc").serviceAccountId("svc_acct_1").keyId("key_1").expiresAt(EXPIRES)
                .jobFullName("team/app & co=1%").buildId("42").build();
    }

    public static RevocationHandle engineHandle() {
        return RevocationHandle.builder(SourceKind.VAULT_ENGINE).organization("org two").role("ingest")
                .leaseId("openai/creds/ingest/AbC.123").keyId("key_2").serviceAccountId("svc_acct_2")
                .expiresAt(EXPIRES).jobFullName("x").buildId("7").build();
    }

    @Test
    void mapFormIsDocumentedAndRoundTrips() {
        RevocationHandle h = adminHandle();
        Map<String, String> m = h.toMap();
        assertThat(m).containsExactly(
                Map.entry("v", "1"), Map.entry("id", h.id()), Map.entry("source", "ADMIN_API"),
                Map.entry("organization", "main"), Map.entry("role", "evals"), Map.entry("projectId", "proj_abc"),
                Map.entry("serviceAccountId", "svc_acct_1"), Map.entry("keyId", "key_1"),
                Map.entry("expiresAt", "2026-11-22T13:00:00Z"), Map.entry("job", "team/app & co=1%"),
                Map.entry("build", "42"));
        assertSame(RevocationHandle.fromMap(m), h);
        RevocationHandle e = engineHandle();
        assertSame(RevocationHandle.fromMap(e.toMap()), e);
        assertThat(e.toMap()).doesNotContainKey("projectId");
    }

    @Test
    void lineFormRoundTripsAndIsOneLine() {
        for (RevocationHandle h : new RevocationHandle[] {adminHandle(), engineHandle()}) {
            String line = h.toLine();
            assertThat(line).doesNotContain("\n", " ").startsWith("v=1&id=" + h.id() + "&source=");
            assertSame(RevocationHandle.fromLine(line), h);
        }
        assertThat(adminHandle().toLine()).contains("&job=team%2Fapp+%26+co%3D1%25&build=42");
    }

    @Test
    void unknownKeysAreIgnoredForForwardCompatibility() {
        Map<String, String> m = new LinkedHashMap<>(adminHandle().toMap());
        m.put("addedLater", "x");
        assertThat(RevocationHandle.fromMap(m).keyId()).isEqualTo("key_1");
        assertThat(RevocationHandle.fromLine(adminHandle().toLine() + "&z=1").keyId()).isEqualTo("key_1");
    }

    @Test
    void damagedFormsGiveOneSentence() {
        Map<String, String> noId = new LinkedHashMap<>(adminHandle().toMap());
        noId.remove("id");
        assertThatThrownBy(() -> RevocationHandle.fromMap(noId)).isInstanceOf(BrokerException.class)
                .hasMessage("Stored revocation handle null has no 'id': the ledger file is damaged");
        Map<String, String> v2 = new LinkedHashMap<>(adminHandle().toMap());
        v2.put("v", "2");
        assertThatThrownBy(() -> RevocationHandle.fromMap(v2)).isInstanceOf(BrokerException.class)
                .hasMessageContaining("format version '2', not 1");
        Map<String, String> badSource = new LinkedHashMap<>(adminHandle().toMap());
        badSource.put("source", "SOMETHING");
        assertThatThrownBy(() -> RevocationHandle.fromMap(badSource)).hasMessageContaining("unknown source 'SOMETHING'");
        Map<String, String> badTime = new LinkedHashMap<>(adminHandle().toMap());
        badTime.put("expiresAt", "tomorrow");
        assertThatThrownBy(() -> RevocationHandle.fromMap(badTime)).hasMessageContaining("unreadable expiresAt");
        Map<String, String> noAccount = new LinkedHashMap<>(adminHandle().toMap());
        noAccount.remove("serviceAccountId");
        assertThatThrownBy(() -> RevocationHandle.fromMap(noAccount)).isInstanceOf(BrokerException.class)
                .hasMessageContaining("is incomplete (an adminApi handle needs projectId and serviceAccountId)");
        assertThatThrownBy(() -> RevocationHandle.fromLine(" ")).hasMessageContaining("is empty");
        assertThatThrownBy(() -> RevocationHandle.fromLine("v=1&garbage")).hasMessageContaining("malformed entry 'garbage'");
        assertThatThrownBy(() -> RevocationHandle.fromLine("v=1&id=%zz")).hasMessageContaining("badly encoded");
        assertThatThrownBy(() -> RevocationHandle.fromMap(null)).isInstanceOf(BrokerException.class);
        Map<String, String> pathId = new LinkedHashMap<>(adminHandle().toMap());
        pathId.put("id", "../../etc/passwd");
        assertThatThrownBy(() -> RevocationHandle.fromMap(pathId)).isInstanceOf(BrokerException.class)
                .hasMessageContaining("is incomplete (a revocation handle id is letters, digits, '_' and '-' only)");
    }

    @Test
    void builderRequiresTheIdsEachSourceNeeds() {
        assertThatThrownBy(() -> RevocationHandle.builder(SourceKind.VAULT_ENGINE).organization("o").role("r")
                .expiresAt(EXPIRES).jobFullName("j").buildId("1").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("a vaultEngine handle needs leaseId");
        assertThatThrownBy(() -> RevocationHandle.builder(SourceKind.ADMIN_API).role("r").projectId("p")
                .serviceAccountId("s").expiresAt(EXPIRES).jobFullName("j").buildId("1").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("a revocation handle needs organization");
    }

    @Test
    void equalByIdOnlyAndIdsAreFresh() {
        RevocationHandle a = adminHandle();
        RevocationHandle b = adminHandle();
        assertThat(a).isNotEqualTo(b);
        assertThat(a.id()).matches("[0-9a-f-]{36}");
        RevocationHandle sameId = RevocationHandle.builder(SourceKind.VAULT_ENGINE).id(a.id()).organization("o")
                .role("r").leaseId("l").expiresAt(EXPIRES).jobFullName("j").buildId("1").build();
        assertThat(sameId).isEqualTo(a).hasSameHashCodeAs(a);
    }

    @Test
    void prefilledBuilderTakesRoleAndRequest() {
        Role role = Roles.adminApi("evals", "main", "proj_9", java.time.Duration.ofHours(1), java.time.Duration.ofHours(1));
        RevocationHandle h = RevocationHandle.builder(SourceKind.ADMIN_API, role, new MintRequest("a/b", "3"))
                .serviceAccountId("svc").expiresAt(EXPIRES).build();
        assertThat(h.organization()).isEqualTo("main");
        assertThat(h.role()).isEqualTo("evals");
        assertThat(h.projectId()).isEqualTo("proj_9");
        assertThat(h.jobFullName()).isEqualTo("a/b");
        assertThat(h.buildId()).isEqualTo("3");
        assertThat(h.leaseId()).isNull();
    }

    @Test
    void javaSerializationRoundTripsTheHandleButNeverAMintedKey() throws Exception {
        RevocationHandle h = engineHandle();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(h);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertSame((RevocationHandle) in.readObject(), h);
        }
        MintedKey key = new MintedKey(SecretString.of("sk-secret-value"), h);
        assertThatThrownBy(() -> new ObjectOutputStream(new ByteArrayOutputStream()).writeObject(key))
                .isInstanceOf(NotSerializableException.class);
    }

    @Test
    void toStringAndMintedKeyShowIdsOnly() {
        RevocationHandle h = adminHandle();
        assertThat(h.toString()).contains(h.id(), "key_1", "svc_acct_1", "proj_abc", "evals", "team/app");
        MintedKey key = new MintedKey(SecretString.of("sk-secret-value"), h);
        assertThat(key.toString()).doesNotContain("sk-secret-value").contains("key_1", "svc_acct_1", h.id());
        assertThat(key.value().reveal()).isEqualTo("sk-secret-value");
        assertThat(key.keyId()).isEqualTo("key_1");
        assertThat(key.serviceAccountId()).isEqualTo("svc_acct_1");
        assertThat(key.projectId()).isEqualTo("proj_abc");
        assertThat(key.leaseId()).isNull();
        assertThat(key.expiresAt()).isEqualTo(EXPIRES);
        assertThat(key.handle()).isSameAs(h);
    }

    @Test
    void liteLlmHandlesNeedTheirIdsAndKeepTheAliasThroughTheLedgerForm() {
        RevocationHandle proxy = RevocationHandle.builder(io.jenkins.plugins.openaikeys.core.source.SourceKind.LITELLM_PROXY)
                .organization("llp").role("chat").keyAlias("jk-chat-app-42-1795350600-abcd").keyId("9f86d0")
                .expiresAt(EXPIRES).jobFullName("app").buildId("42").build();
        RevocationHandle back = RevocationHandle.fromLine(proxy.toLine());
        assertThat(back.keyAlias()).isEqualTo("jk-chat-app-42-1795350600-abcd");
        assertThat(back.source()).isEqualTo(io.jenkins.plugins.openaikeys.core.source.SourceKind.LITELLM_PROXY);
        assertThat(proxy.toMap()).containsEntry("keyAlias", "jk-chat-app-42-1795350600-abcd")
                .containsEntry("source", "LITELLM_PROXY");
        assertThatThrownBy(() -> RevocationHandle.builder(io.jenkins.plugins.openaikeys.core.source.SourceKind.LITELLM_PROXY)
                .organization("llp").role("chat").keyId("9f86d0").expiresAt(EXPIRES).jobFullName("app").buildId("42")
                .build()).hasMessage("a litellmProxy handle needs keyAlias");
        assertThatThrownBy(() -> RevocationHandle.builder(io.jenkins.plugins.openaikeys.core.source.SourceKind.LITELLM_ENGINE)
                .organization("lle").role("team").keyAlias("vault-team-a-1").expiresAt(EXPIRES).jobFullName("app")
                .buildId("42").build()).hasMessage("a litellmEngine handle needs leaseId");
        // A ledger line written before LiteLLM existed still loads, without an alias.
        assertThat(RevocationHandle.fromLine(adminHandle().toLine()).keyAlias()).isNull();
    }

    private static void assertSame(RevocationHandle actual, RevocationHandle expected) {
        assertThat(actual).isEqualTo(expected);
        assertThat(actual.toString()).isEqualTo(expected.toString());
        assertThat(actual.toMap()).isEqualTo(expected.toMap());
    }
}
