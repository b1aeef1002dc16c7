package io.jenkins.plugins.openaikeys.core.vault;

import io.jenkins.plugins.openaikeys.core.SecretString;
import io.jenkins.plugins.openaikeys.core.http.ClientSettings;
import io.jenkins.plugins.openaikeys.core.http.RetryPolicy;
import io.jenkins.plugins.openaikeys.core.testing.FakeTime;
import io.jenkins.plugins.openaikeys.core.vault.fake.FakeTokenSpec;
import io.jenkins.plugins.openaikeys.core.vault.fake.FakeVault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Shared fixture: a FakeVault on FakeTime with an AppRole login, a client factory, and a JUL capture. */
abstract class VaultTestSupport {

    static final String ROLE_ID = "role-id-jenkins";
    static final String SECRET_ID = "secret-id-VERYSECRET-0123456789";
    static final RetryPolicy FAST_RETRIES = new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(1),
            Duration.ofSeconds(30), () -> 0.5);

    final FakeTime time = new FakeTime();
    FakeVault vault;
    VaultTokenCache cache;
    final List<LogRecord> logs = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Logger vaultLogger = Logger.getLogger("io.jenkins.plugins.openaikeys.core.vault");
    private Level oldLevel;
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            logs.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void startVault() {
        vault = FakeVault.start(time);
        vault.root().enableKv("secret")
                .enableAppRole("approle", "jenkins", ROLE_ID, SECRET_ID, FakeTokenSpec.ttl(Duration.ofHours(1)));
        cache = new VaultTokenCache();
        oldLevel = vaultLogger.getLevel();
        vaultLogger.setLevel(Level.ALL);
        vaultLogger.addHandler(capture);
    }

    @AfterEach
    void stopVault() {
        vaultLogger.removeHandler(capture);
        vaultLogger.setLevel(oldLevel);
        vault.close();
    }

    AppRoleAuth appRole() {
        return new AppRoleAuth(null, ROLE_ID, SecretString.of(SECRET_ID));
    }

    VaultClient client(VaultAuthMethod auth) {
        return client(VaultEndpoint.of(vault.address()), auth);
    }

    VaultClient client(VaultEndpoint endpoint, VaultAuthMethod auth) {
        return VaultClient.builder(endpoint, auth).tokenCache(cache)
                .settings(ClientSettings.DEFAULTS.withTime(time).withRetryPolicy(FAST_RETRIES)).build();
    }

    VaultClient client() {
        return client(appRole());
    }

    /** Every captured log line, formatted with its parameters. */
    String allLogText() {
        StringBuilder sb = new StringBuilder();
        java.util.logging.Formatter f = new java.util.logging.SimpleFormatter();
        for (LogRecord r : new ArrayList<>(logs)) {
            sb.append(f.formatMessage(r)).append('\n');
            if (r.getThrown() != null) {
                sb.append(r.getThrown()).append('\n');
            }
        }
        return sb.toString();
    }
}
