package io.jenkins.plugins.openaikeys.core.source;

import io.jenkins.plugins.openaikeys.core.broker.BrokerException;
import io.jenkins.plugins.openaikeys.core.testing.AllAtOnce;
import io.jenkins.plugins.openaikeys.core.vault.VaultClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.jenkins.plugins.openaikeys.core.source.BrokerFakes.KV_MOUNT;
import static io.jenkins.plugins.openaikeys.core.source.BrokerFakes.KV_PATH;
import static org.assertj.core.api.Assertions.assertThat;

class AdminConfigCacheTest {

    private static final String READ = "GET " + KV_MOUNT + "/data/" + KV_PATH;
    private static final int CALLERS = 6;

    private final BrokerFakes fakes = new BrokerFakes();

    @AfterEach
    void stop() {
        fakes.close();
    }

    private List<Future<AdminConfig>> askAtOnce(AdminConfigCache cache) throws InterruptedException {
        return AllAtOnce.run(CALLERS, Duration.ofSeconds(10), cache::get);
    }

    @Test
    void concurrentCallersShareOneRead() throws Exception {
        VaultClient vault = fakes.vaultClient();
        vault.checkConnection(); // log in first, so only the KV read is slow
        fakes.vault.resetCallLog();
        fakes.vault.delayNext(READ, 1, Duration.ofMillis(300));
        AdminConfigCache cache = new AdminConfigCache(vault, KV_MOUNT, KV_PATH, Duration.ofMinutes(5), fakes.time);

        for (Future<AdminConfig> answer : askAtOnce(cache)) {
            assertThat(answer.get(10, TimeUnit.SECONDS).adminKeyId()).isEqualTo(fakes.org.adminKeyId());
        }
        assertThat(fakes.vault.calls(READ)).isEqualTo(1);
    }

    @Test
    void aFailingReadIsSharedByEveryoneWaitingForItNotRepeatedForEach() throws Exception {
        VaultClient vault = fakes.vaultClient();
        vault.checkConnection();
        fakes.vault.resetCallLog();
        AdminConfigCache cache = new AdminConfigCache(vault, KV_MOUNT, "jenkins/openai/absent", Duration.ofMinutes(5),
                fakes.time);
        String absent = "GET " + KV_MOUNT + "/data/jenkins/openai/absent";
        fakes.vault.delayNext(absent, 1, Duration.ofMillis(300));

        List<String> messages = new ArrayList<>();
        for (Future<AdminConfig> answer : askAtOnce(cache)) {
            try {
                answer.get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(BrokerException.class);
                messages.add(e.getCause().getMessage());
            }
        }
        assertThat(messages).hasSize(CALLERS).allMatch(m -> m.contains("does not exist in Vault"));
        assertThat(fakes.vault.calls(absent)).isEqualTo(1);

        // The failure is not cached: the next caller reads again (e.g. after the secret is written).
        fakes.vault.root().kvPut(KV_MOUNT, "jenkins/openai/absent", fakes.adminConfig(fakes.org.adminKey(),
                fakes.org.adminKeyId()));
        assertThat(cache.get().adminKeyId()).isEqualTo(fakes.org.adminKeyId());
        assertThat(fakes.vault.calls(absent)).isEqualTo(2);
    }
}
