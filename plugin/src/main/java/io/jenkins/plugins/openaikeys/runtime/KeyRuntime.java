package io.jenkins.plugins.openaikeys.runtime;

import hudson.Extension;
import hudson.ExtensionList;
import io.jenkins.plugins.openaikeys.config.OpenAIKeysConfiguration;
import io.jenkins.plugins.openaikeys.core.broker.BrokerException;
import io.jenkins.plugins.openaikeys.core.broker.KeyBroker;
import io.jenkins.plugins.openaikeys.core.ledger.RevocationLedger;
import io.jenkins.plugins.openaikeys.core.rotation.RotationRecord;
import io.jenkins.plugins.openaikeys.core.rotation.Rotator;
import io.jenkins.plugins.openaikeys.core.source.KeySource;
import io.jenkins.plugins.openaikeys.core.vault.VaultClient;
import io.jenkins.plugins.openaikeys.core.vault.VaultTokenCache;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import jenkins.model.Jenkins;
import okhttp3.OkHttpClient;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;

/**
 * What this controller builds from {@link OpenAIKeysConfiguration} and keeps while it runs: the
 * {@link KeyBroker} with its key sources and rotators, the durable revocation ledger, the
 * rotation record, one HTTP connection pool and one Vault token cache.
 *
 * <p>Why apart from the settings: the broker is a pure function of the saved configuration, so it
 * is built on first use, reused, and rebuilt when the configuration's generation changes, while
 * the token cache (no new Vault login for an unchanged identity), the ledger (no pending
 * revocation forgotten) and the connection pool outlive those rebuilds. Not a Describable, so
 * nothing here is reachable from the web.
 */
@Extension
@Restricted(NoExternalUse.class)
public final class KeyRuntime {

    /** Under JENKINS_HOME: pending revocations (ids only), the rotation record, the projects minted in. */
    public static final String DIRECTORY = "openai-ephemeral-keys";
    static final String ROTATION_RECORD_FILE = "rotation.properties";

    private final Object lock = new Object();
    private BrokerFactory.Built built;
    private VaultTokenCache tokenCache;
    private RevocationLedger ledger;
    private RotationRecord rotationRecord;
    private OkHttpClient httpClient;

    /** The singleton. */
    public static KeyRuntime get() {
        return ExtensionList.lookupSingleton(KeyRuntime.class);
    }

    /** Held while a whole configuration is applied, so that no broker is built from half of one. */
    public Object lock() {
        return lock;
    }

    /**
     * The broker for the saved configuration: built on first use, reused, rebuilt after a save.
     *
     * @throws BrokerException one sentence when the plugin is not (fully) configured
     */
    public KeyBroker broker() {
        return current().broker();
    }

    /** The key sources of the current broker by organization name, so the sweeper uses the very clients that mint. */
    public Map<String, KeySource> keySources() {
        return current().sources();
    }

    /** The admin-key rotators of the current broker, one per organization. */
    public List<Rotator> rotators() {
        return current().rotators();
    }

    /** The broker if one was built already (never builds one): for monitors, which must stay cheap. */
    public Optional<KeyBroker> builtBroker() {
        synchronized (lock) {
            return built == null ? Optional.empty() : Optional.of(built.broker());
        }
    }

    private BrokerFactory.Built current() {
        OpenAIKeysConfiguration config = OpenAIKeysConfiguration.get();
        synchronized (lock) {
            long generation = config.generation();
            if (built == null || built.generation() != generation) {
                built = new BrokerFactory(config, tokenCache(), ledger(), http(), rotationRecord()).build(generation);
            }
            return built;
        }
    }

    /** The durable ledger of pending revocations; one instance for the life of this controller. */
    public RevocationLedger ledger() {
        synchronized (lock) {
            if (ledger == null) {
                ledger = CoreWiring.fileLedger(directory());
            }
            return ledger;
        }
    }

    /** Where engine organizations' last rotations are remembered across restarts. */
    public RotationRecord rotationRecord() {
        synchronized (lock) {
            if (rotationRecord == null) {
                rotationRecord = CoreWiring.rotationRecord(directory().resolve(ROTATION_RECORD_FILE));
            }
            return rotationRecord;
        }
    }

    /** The base client: one connection pool for all Vault and OpenAI traffic of this controller. */
    public OkHttpClient http() {
        synchronized (lock) {
            if (httpClient == null) {
                httpClient = CoreWiring.httpClient();
            }
            return httpClient;
        }
    }

    /**
     * A Vault client for the saved settings with a token cache of its own, so that using it
     * really logs in: what "Test" buttons need.
     *
     * @throws io.jenkins.plugins.openaikeys.core.EphemeralKeyException one sentence when the plugin is not configured
     */
    public VaultClient vaultClientWithFreshLogin() {
        return new BrokerFactory(OpenAIKeysConfiguration.get(), CoreWiring.tokenCache(), null, http(), null)
                .vaultClient();
    }

    private VaultTokenCache tokenCache() {
        synchronized (lock) {
            if (tokenCache == null) {
                tokenCache = CoreWiring.tokenCache();
            }
            return tokenCache;
        }
    }

    static Path directory() {
        return Jenkins.get().getRootDir().toPath().resolve(DIRECTORY);
    }
}
