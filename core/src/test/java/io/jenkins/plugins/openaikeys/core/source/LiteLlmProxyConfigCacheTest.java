package io.jenkins.plugins.openaikeys.core.source;

import io.jenkins.plugins.openaikeys.core.broker.BrokerException;
import io.jenkins.plugins.openaikeys.core.testing.AllAtOnce;
import io.jenkins.plugins.openaikeys.core.vault.VaultClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.jenkins.plugins.openaikeys.core.source.LiteLlmFakes.KV_MOUNT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The proxy config shares {@link KvConfigCache}'s policy with the admin config: one read for all waiting callers. */
class LiteLlmProxyConfigCacheTest {

    private static final String ABSENT = "litellm/absent";

    private final LiteLlmFakes fakes = new LiteLlmFakes();

    @AfterEach
    void stop() {
        fakes.close();
    }

    @Test
    void aFailingReadIsSharedByEveryoneWaitingForItAndNotCached() throws Exception {
        VaultClient vault = fakes.vaultClient();
        vault.checkConnection(); // log in first, so only the KV read is slow
        fakes.vault.resetCallLog();
        String read = "GET " + KV_MOUNT + "/data/" + ABSENT;
        fakes.vault.delayNext(read, 1, Duration.ofMillis(300));
        LiteLlmProxyConfigCache cache = new LiteLlmProxyConfigCache(vault, KV_MOUNT, ABSENT, Duration.ofMinutes(5),
                fakes.time);

        for (Future<LiteLlmProxyConfig> answer : AllAtOnce.run(6, Duration.ofSeconds(10), cache::get)) {
            assertThatThrownBy(() -> answer.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(BrokerException.class).hasMessage("The LiteLLM proxy config secret/"
                            + ABSENT + " does not exist in Vault: write base_url and master_key there");
        }
        assertThat(fakes.vault.calls(read)).isEqualTo(1);

        fakes.vault.root().kvPut(KV_MOUNT, ABSENT, fakes.proxyConfig(fakes.proxy.masterKey()));
        assertThat(cache.get().baseUrl()).isEqualTo(fakes.proxy.baseUrl());
        assertThat(cache.lastKnown()).isSameAs(cache.get());
        assertThat(fakes.vault.calls(read)).isEqualTo(2);
        assertThat(cache).hasToString("LiteLlmProxyConfigCache{secret/" + ABSENT + ", maxAge=PT5M}");
    }
}
