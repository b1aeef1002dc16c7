package io.jenkins.plugins.openaikeys.core.source;

import io.jenkins.plugins.openaikeys.core.EphemeralKeyException;
import io.jenkins.plugins.openaikeys.core.broker.KeyBroker;
import io.jenkins.plugins.openaikeys.core.broker.MintRequest;
import io.jenkins.plugins.openaikeys.core.broker.MintedKey;
import io.jenkins.plugins.openaikeys.core.broker.RevocationHandle;
import io.jenkins.plugins.openaikeys.core.litellm.LiteLlmException;
import io.jenkins.plugins.openaikeys.core.litellm.fake.FakeLiteLlmProxy;
import io.jenkins.plugins.openaikeys.core.policy.ServiceAccountNames;
import io.jenkins.plugins.openaikeys.core.source.LiteLlmFakes;
import io.jenkins.plugins.openaikeys.core.sweep.OrphanSweeper;
import io.jenkins.plugins.openaikeys.core.sweep.SweepPolicy;
import io.jenkins.plugins.openaikeys.core.sweep.SweepReport;
import io.jenkins.plugins.openaikeys.core.testing.CapturedLog;
import io.jenkins.plugins.openaikeys.core.vault.VaultClient;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.jenkins.plugins.openaikeys.core.source.AdminApiKeySourceTest.oneSentence;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** LiteLlmProxyKeySource against FakeLiteLlmProxy, its master key and base_url in FakeVault's KV v2. */
class LiteLlmProxyKeySourceTest {

    private static final String GENERATE = "POST /key/generate";
    private static final String DELETE = "POST /key/delete";
    private static final String KV_READ = "GET secret/data/litellm/main";

    private final LiteLlmFakes fakes = new LiteLlmFakes();
    private final CapturedLog log = CapturedLog.of("io.jenkins.plugins.openaikeys");
    private final List<String> secrets = new ArrayList<>();
    private final VaultClient vault = fakes.vaultClient();
    private final LiteLlmProxyKeySource source = fakes.proxySource(vault);
    private final KeyBroker broker = fakes.broker(source, null);

    @AfterEach
    void noSecretInAnyLog() {
        log.close();
        String text = log.text();
        secrets.addAll(fakes.proxy.secretsEverIssued());
        for (String s : secrets) {
            assertThat(text).doesNotContain(s);
        }
        fakes.close();
    }

    private MintedKey mint() {
        MintedKey key = broker.mint("chat", new MintRequest("team/app", "42", null));
        secrets.add(key.value().reveal());
        return key;
    }

    @Test
    void mintsAScopedKeyWithTheBrokersAliasAndRevokingDeletesIt() throws IOException {
        MintedKey key = mint();
        RevocationHandle h = key.handle();
        assertThat(h.source()).isEqualTo(SourceKind.LITELLM_PROXY);
        assertThat(h.keyAlias()).startsWith("jk-chat-team_app-42-");
        assertThat(ServiceAccountNames.parse(h.keyAlias())).isPresent();
        assertThat(h.keyId()).hasSize(64); // LiteLLM's token: the sha256 of the key
        assertThat(h.leaseId()).isNull();
        assertThat(key.baseUrl()).isEqualTo(fakes.proxy.baseUrl());
        assertThat(key.scope().describeLimits()).isEqualTo("models gpt-4o-mini, max budget 5");

        FakeLiteLlmProxy.Key stored = fakes.proxy.byAlias(h.keyAlias());
        assertThat(stored.models()).containsExactly("gpt-4o-mini");
        assertThat(stored.maxBudget()).isEqualByComparingTo(new BigDecimal("5"));
        assertThat(stored.expires()).isEqualTo(fakes.time.instant().plus(LiteLlmFakes.M30));
        assertThat(stored.metadata()).containsEntry("jenkins_job", "team/app").containsEntry("jenkins_build", "42")
                .containsEntry("jenkins_role", "chat").containsEntry("jenkins_controller_prefix", "jk");
        assertThat(works(key)).isEqualTo(200);
        assertThat(fakes.ledger.pending()).containsExactly(h);

        broker.revoke(h);
        assertThat(fakes.proxy.keys()).isEmpty();
        assertThat(fakes.proxy.deletedAliases()).containsExactly(h.keyAlias());
        assertThat(fakes.ledger.pending()).isEmpty();
        assertThat(works(key)).isEqualTo(401);
        assertThat(log.text()).contains("Minted LiteLLM key " + h.keyId() + ", alias " + h.keyAlias())
                .contains("models gpt-4o-mini, max budget 5, proxy localhost")
                .contains("Revoked LiteLLM key " + h.keyId() + ", alias " + h.keyAlias())
                .doesNotContain("Revoked OpenAI");
    }

    @Test
    void onceWarmAMintAndARevokeCostOneProxyCallEachAndNoVaultRead() {
        broker.revoke(mint().handle());
        int kvReads = fakes.vault.calls(KV_READ);
        int before = fakes.proxy.callLog().size();
        broker.revoke(mint().handle());
        assertThat(fakes.vault.calls(KV_READ)).isEqualTo(kvReads);
        assertThat(fakes.proxy.callLog().subList(before, fakes.proxy.callLog().size()))
                .containsExactly(GENERATE, DELETE);
    }

    @Test
    void aKeyTheProxyAlreadyExpiredAndDeletedIsRevokedWithoutFuss() {
        MintedKey key = mint();
        // Someone deleted it at the proxy (or LiteLLM's own clean-up): the 404 is success.
        source.sweepDirectory().delete(null, key.handle().keyAlias());
        broker.revoke(key.handle());
        assertThat(fakes.ledger.pending()).isEmpty();
        assertThat(fakes.proxy.calls(DELETE)).isEqualTo(2);
    }

    @Test
    void anAmbiguousCreateIsReconciledByAliasAndRetriedUnderAFreshOne() {
        fakes.proxy.loseAnswerNext(GENERATE, 1);
        MintedKey key = mint();
        assertThat(fakes.proxy.keys()).hasSize(1);
        assertThat(fakes.proxy.deletedAliases()).hasSize(1);
        String burnt = fakes.proxy.deletedAliases().get(0);
        assertThat(key.handle().keyAlias()).isNotEqualTo(burnt);
        assertThat(burnt.substring(0, burnt.length() - 4)).isEqualTo(key.handle().keyAlias()
                .substring(0, burnt.length() - 4));
        broker.revoke(key.handle());
        assertThat(fakes.proxy.keys()).isEmpty();
    }

    @Test
    void aDroppedConnectionOrA503IsRetriedAndLeavesNothingBehind() {
        fakes.proxy.dropNext(GENERATE, 1).failNext(GENERATE, 1, 503);
        MintedKey key = mint();
        assertThat(fakes.proxy.keys()).hasSize(1);
        broker.revoke(key.handle());
        assertThat(fakes.proxy.keys()).isEmpty();
    }

    @Test
    void aRejectedMasterKeyIsOneSentenceThatNeverQuotesIt() {
        fakes.proxy.rotateMasterKey(); // Vault still holds the old one
        assertThatThrownBy(this::mint).isInstanceOf(LiteLlmException.class)
                .satisfies(e -> oneSentence(e))
                .hasMessageContaining("answered 401 to POST /key/generate")
                .hasMessageContaining("check master_key in Vault");
        assertThat(fakes.proxy.keys()).isEmpty();
    }

    @Test
    void aMasterKeyRotatedInVaultIsPickedUpAfterA401() {
        broker.revoke(mint().handle());
        fakes.vault.root().kvPut(LiteLlmFakes.KV_MOUNT, LiteLlmFakes.KV_PATH,
                fakes.proxyConfig(fakes.proxy.rotateMasterKey()));
        MintedKey key = mint();
        broker.revoke(key.handle());
        assertThat(fakes.proxy.keys()).isEmpty();
    }

    @Test
    void hugeOrMalformedAnswersAreOneSentenceAndLeaveNoKey() {
        fakes.proxy.hugeNext(GENERATE, 2 * 1024 * 1024);
        assertThatThrownBy(this::mint).isInstanceOf(EphemeralKeyException.class).satisfies(e -> oneSentence(e));
        fakes.proxy.malformedNext(GENERATE);
        assertThatThrownBy(this::mint).isInstanceOf(EphemeralKeyException.class).satisfies(e -> oneSentence(e))
                .hasMessageContaining("without a key");
        assertThat(fakes.proxy.keys()).isEmpty();
        assertThat(fakes.ledger.pending()).isEmpty();
    }

    @Test
    void aMissingProxyConfigInVaultNamesTheFields() {
        fakes.vault.root().kvPut(LiteLlmFakes.KV_MOUNT, LiteLlmFakes.KV_PATH, java.util.Map.of("base_url",
                fakes.proxy.baseUrl()));
        assertThatThrownBy(this::mint).satisfies(e -> oneSentence(e))
                .hasMessage("The LiteLLM proxy config secret/litellm/main in Vault has no field master_key: add it"
                        + " (it needs base_url and master_key)");
    }

    @Test
    void aFailedRevokeStaysQueuedAndARetryDeletesTheKey() {
        MintedKey key = mint();
        fakes.proxy.failNext(DELETE, 3, 503);
        assertThatThrownBy(() -> broker.revoke(key.handle())).isInstanceOf(LiteLlmException.class)
                .satisfies(e -> oneSentence(e));
        assertThat(fakes.ledger.pending()).containsExactly(key.handle());
        fakes.time.advance(Duration.ofHours(2));
        assertThat(broker.retryPending()).isEqualTo(1);
        assertThat(fakes.proxy.keys()).isEmpty();
    }

    @Test
    void theSweeperDeletesOnlyThisControllersExpiredLeftovers() {
        MintedKey live = mint();
        MintedKey lost = mint(); // its build died and the ledger is gone: only the alias remembers it
        fakes.time.advance(Duration.ofMinutes(32));
        MintedKey fresh = mint();
        SweepReport report = new OrphanSweeper(new SweepPolicy("jk", Duration.ofMinutes(1), false), fakes.time)
                .sweep("proxy", source.sweepDirectory(), List.of("litellm"));
        assertThat(report.swept()).extracting(SweepReport.SweptAccount::name)
                .containsExactlyInAnyOrder(live.handle().keyAlias(), lost.handle().keyAlias());
        assertThat(fakes.proxy.keys()).extracting(FakeLiteLlmProxy.Key::alias).containsExactly(fresh.handle().keyAlias());
        broker.revoke(fresh.handle());
    }

    @Test
    void aProxyEchoingTheMasterKeyNeverGetsItIntoAMessage() {
        fakes.proxy.quoteBearerNext(GENERATE, 400);
        assertThatThrownBy(this::mint).isInstanceOf(LiteLlmException.class).satisfies(e -> oneSentence(e))
                .hasMessageContaining("Received API Key = ****")
                .hasMessageNotContaining(fakes.proxy.masterKey().reveal());
        assertThat(fakes.proxy.keys()).isEmpty();
    }

    @Test
    void listingReadsEveryPageOfAtMost100() {
        io.jenkins.plugins.openaikeys.core.litellm.LiteLlmProxyClient client =
                io.jenkins.plugins.openaikeys.core.litellm.LiteLlmProxyClient.create(fakes.proxy.baseUrl(),
                        fakes.proxy.masterKey(), fakes.settings);
        for (int i = 0; i < 150; i++) {
            String alias = "jk-chat-page-" + i + "-1795350600-ab" + (char) ('a' + i % 26) + (char) ('a' + i / 26);
            secrets.add(client.generate(new io.jenkins.plugins.openaikeys.core.litellm.KeyRequest(List.of(), null,
                    Duration.ofMinutes(5), java.util.Map.of()), () -> alias).key().reveal());
        }
        int before = fakes.proxy.calls("GET /key/list");
        assertThat(client.list(null)).hasSize(150).extracting(k -> k.keyAlias()).doesNotHaveDuplicates();
        assertThat(fakes.proxy.calls("GET /key/list") - before).isEqualTo(2);
    }

    private int works(MintedKey key) throws IOException {
        OkHttpClient http = new OkHttpClient();
        try (Response r = http.newCall(new Request.Builder().url(key.baseUrl() + "/v1/models")
                .header("Authorization", "Bearer " + key.value().reveal()).build()).execute()) {
            return r.code();
        } finally {
            http.dispatcher().executorService().shutdown();
            http.connectionPool().evictAll();
        }
    }
}
