package io.jenkins.plugins.openaikeys.core.faults;

import io.jenkins.plugins.openaikeys.core.SecretString;
import io.jenkins.plugins.openaikeys.core.broker.KeyBroker;
import io.jenkins.plugins.openaikeys.core.broker.MintRequest;
import io.jenkins.plugins.openaikeys.core.broker.MintedKey;
import io.jenkins.plugins.openaikeys.core.http.ClientSettings;
import io.jenkins.plugins.openaikeys.core.http.RetryPolicy;
import io.jenkins.plugins.openaikeys.core.ledger.FileRevocationLedger;
import io.jenkins.plugins.openaikeys.core.ledger.RevocationLedger;
import io.jenkins.plugins.openaikeys.core.openai.OpenAiAdminClient;
import io.jenkins.plugins.openaikeys.core.openai.fake.FakeAdminKey;
import io.jenkins.plugins.openaikeys.core.openai.fake.FakeOpenAi;
import io.jenkins.plugins.openaikeys.core.openai.fake.FakeOrganization;
import io.jenkins.plugins.openaikeys.core.openai.fake.FakeProject;
import io.jenkins.plugins.openaikeys.core.openai.fake.FakeServiceAccount;
import io.jenkins.plugins.openaikeys.core.policy.Role;
import io.jenkins.plugins.openaikeys.core.policy.ServiceAccountNames;
import io.jenkins.plugins.openaikeys.core.source.AdminApiKeySource;
import io.jenkins.plugins.openaikeys.core.source.AdminConfig;
import io.jenkins.plugins.openaikeys.core.source.KeySource;
import io.jenkins.plugins.openaikeys.core.source.VaultEngineKeySource;
import io.jenkins.plugins.openaikeys.core.source.LiteLlmEngineKeySource;
import io.jenkins.plugins.openaikeys.core.source.LiteLlmProxyKeySource;
import io.jenkins.plugins.openaikeys.core.litellm.fake.FakeLiteLlmProxy;
import io.jenkins.plugins.openaikeys.core.vault.fake.FakeLiteLlmEngineMount;
import io.jenkins.plugins.openaikeys.core.sweep.OrphanSweeper;
import io.jenkins.plugins.openaikeys.core.sweep.ServiceAccountDirectory;
import io.jenkins.plugins.openaikeys.core.sweep.SweepPolicy;
import io.jenkins.plugins.openaikeys.core.sweep.SweepReport;
import io.jenkins.plugins.openaikeys.core.testing.FakeTime;
import io.jenkins.plugins.openaikeys.core.testing.LogCapture;
import io.jenkins.plugins.openaikeys.core.vault.AppRoleAuth;
import io.jenkins.plugins.openaikeys.core.vault.VaultClient;
import io.jenkins.plugins.openaikeys.core.vault.VaultEndpoint;
import io.jenkins.plugins.openaikeys.core.vault.VaultTokenCache;
import io.jenkins.plugins.openaikeys.core.vault.fake.FakeOpenAiEngineMount;
import io.jenkins.plugins.openaikeys.core.vault.fake.FakeTokenSpec;
import io.jenkins.plugins.openaikeys.core.vault.fake.FakeVault;
import okhttp3.OkHttpClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One fault scenario's universe: FakeOpenAi and FakeVault (KV admin config, AppRole, the
 * OpenAI engine pointed at FakeOpenAi) on one {@link FakeTime}, a temp directory holding the
 * durable ledger, a {@link LogCapture} over every plugin logger, an {@link OutputTap} over
 * System.out, System.err and every other logger, and "controllers" — a
 * {@link KeyBroker} with both real key sources, as one Jenkins process would build it.
 * Starting a second controller over the same ledger directory is a restart.
 *
 * <p>It also remembers every secret that came into play (minted keys, admin keys, the
 * AppRole secret_id, every Vault token the plugin sent) for the {@link LeakAudit}.
 */
final class FaultWorld implements AutoCloseable {

    static final String ADMIN_ROLE = "evals";
    static final String ENGINE_ROLE = "ingest";
    static final String ADMIN_ORG = "main";
    static final String ENGINE_ORG = "vaulted";
    static final String KV_MOUNT = "secret";
    static final String KV_PATH = "jenkins/openai/main";
    static final String ENGINE_MOUNT = "openai";
    static final String ENGINE_VAULT_ROLE = "evals-engine";
    /** LiteLLM: a litellmProxy role (models, budget) and a litellmEngine role, on one fake proxy. */
    static final String PROXY_ROLE = "chat";
    static final String LITELLM_ENGINE_ROLE = "team";
    static final String PROXY_ORG = "llm-proxy";
    static final String LITELLM_ENGINE_ORG = "llm-engine";
    static final String PROXY_KV_PATH = "litellm/main";
    static final String LITELLM_MOUNT = "litellm";
    static final String LITELLM_VAULT_ROLE = "team-a";
    static final String ROLE_ID = "role-id-jenkins";
    static final String SECRET_ID = "secret-id-5f3a9c17e2b84d01";
    /** Names the fake engine gives its accounts ({@code vault-{{.RoleName}}-…}). */
    static final String ENGINE_ACCOUNT_PREFIX = "vault-";
    static final Duration TTL = Duration.ofMinutes(30);
    static final Duration MAX_TTL = Duration.ofHours(1);
    static final Duration SWEEP_GRACE = Duration.ofMinutes(10);
    /** Three attempts, 0.5 s doubling to 4 s, 30 s budget, no jitter: waits are exact. */
    static final RetryPolicy RETRIES =
            new RetryPolicy(3, Duration.ofMillis(500), Duration.ofSeconds(4), Duration.ofSeconds(30), () -> 1.0);

    /** First, so that it sees everything the world prints and logs from its start. */
    final OutputTap output = new OutputTap();
    final FakeTime time = new FakeTime();
    final FakeOpenAi openai = FakeOpenAi.start(time);
    final FakeOrganization org = openai.createOrganization();
    final FakeProject project = org.createProject("evals");
    final FakeVault vault = FakeVault.start(time);
    final FakeOpenAiEngineMount engine;
    final FakeLiteLlmProxy litellm = FakeLiteLlmProxy.start(time);
    final FakeLiteLlmEngineMount litellmEngine;
    final WireTap wire = new WireTap();
    final LogCapture logs = LogCapture.plugin();

    private final Logger pluginLogger = Logger.getLogger("io.jenkins.plugins.openaikeys");
    private final boolean parentHandlersBefore = pluginLogger.getUseParentHandlers();
    private final OkHttpClient http = new OkHttpClient.Builder().addInterceptor(wire).build();
    private final Path root;
    private final Path ledgerDir;
    private final Set<String> extraSecrets = new LinkedHashSet<>();
    private final List<String> surfaced = new ArrayList<>();
    private final Map<String, byte[]> snapshots = new LinkedHashMap<>();

    FaultWorld() {
        this(FakeTokenSpec.ttl(Duration.ofHours(2)));
    }

    /** @param tokenSpec what the AppRole logins of the controllers get */
    FaultWorld(FakeTokenSpec tokenSpec) {
        pluginLogger.setUseParentHandlers(false); // the audit reads every record; keep the build output quiet
        try {
            root = Files.createTempDirectory("fault-world");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ledgerDir = root.resolve("ledger");
        vault.root().enableKv(KV_MOUNT).enableAppRole("approle", "jenkins", ROLE_ID, SECRET_ID, tokenSpec);
        writeAdminConfig(org.adminKey(), org.adminKeyId(), openai.baseUrl());
        engine = vault.root().enableOpenAiEngine(ENGINE_MOUNT, openai.baseUrl(), org.adminKey(), org.adminKeyId(),
                org.id()).role(ENGINE_VAULT_ROLE, project.id(), TTL, MAX_TTL);
        writeProxyConfig(litellm.masterKey());
        litellmEngine = vault.root().enableLiteLlmEngine(LITELLM_MOUNT, litellm.baseUrl(), litellm.masterKey())
                .role(LITELLM_VAULT_ROLE, List.of("gpt-4o"), new java.math.BigDecimal("20"), TTL, MAX_TTL);
    }

    /** The LiteLLM proxy's base_url and master_key as an operator writes them into KV. */
    void writeProxyConfig(SecretString masterKey) {
        vault.root().kvPut(KV_MOUNT, PROXY_KV_PATH, Map.of("base_url", litellm.baseUrl(), "master_key",
                masterKey.reveal()));
    }

    // ---------------------------------------------------------------- controllers

    /** One Jenkins controller's worth of wiring; a new one over the same ledger is a restart. */
    record Controller(KeyBroker broker, VaultClient vaultClient, AdminApiKeySource adminSource,
                      VaultEngineKeySource engineSource, LiteLlmProxyKeySource proxySource) {
    }

    /** A controller with a fresh token cache and config cache over the durable ledger directory. */
    Controller controller() {
        return controller(ledger());
    }

    /** What every client of the world is built with: fake time, {@link #RETRIES}, the tapped okhttp client. */
    private ClientSettings settings() {
        return ClientSettings.DEFAULTS.withTime(time).withRetryPolicy(RETRIES).withHttpClient(http);
    }

    Controller controller(RevocationLedger ledger) {
        VaultClient client = VaultClient.builder(VaultEndpoint.of(vault.address()),
                        new AppRoleAuth("approle", ROLE_ID, SecretString.of(SECRET_ID)))
                .tokenCache(new VaultTokenCache()).settings(settings()).build();
        AdminApiKeySource admin = AdminApiKeySource.builder(client, KV_MOUNT, KV_PATH).settings(settings()).build();
        VaultEngineKeySource engineSource = new VaultEngineKeySource(client, ENGINE_MOUNT, time);
        Map<String, KeySource> sources = new LinkedHashMap<>();
        sources.put(ADMIN_ORG, admin);
        sources.put(ENGINE_ORG, engineSource);
        LiteLlmProxyKeySource proxy = LiteLlmProxyKeySource.of(client, KV_MOUNT, PROXY_KV_PATH, Duration.ofSeconds(30),
                new ServiceAccountNames(), settings());
        sources.put(PROXY_ORG, proxy);
        sources.put(LITELLM_ENGINE_ORG, new LiteLlmEngineKeySource(client, LITELLM_MOUNT, litellm.baseUrl(), time));
        KeyBroker broker = new KeyBroker(Map.of(ADMIN_ROLE, adminRole(), ENGINE_ROLE, engineRole(),
                PROXY_ROLE, new Role(PROXY_ROLE, PROXY_ORG, null, null, TTL, MAX_TTL, null, null, List.of("**"),
                        List.of("gpt-4o-mini"), new java.math.BigDecimal("5")),
                LITELLM_ENGINE_ROLE, new Role(LITELLM_ENGINE_ROLE, LITELLM_ENGINE_ORG, null, LITELLM_VAULT_ROLE, TTL,
                        MAX_TTL, null, null, List.of("**"))), sources, ledger, time);
        return new Controller(broker, client, admin, engineSource, proxy);
    }

    FileRevocationLedger ledger() {
        return new FileRevocationLedger(ledgerDir);
    }

    Role adminRole() {
        return new Role(ADMIN_ROLE, ADMIN_ORG, project.id(), null, TTL, MAX_TTL, null, null, List.of("**"));
    }

    Role engineRole() {
        return new Role(ENGINE_ROLE, ENGINE_ORG, project.id(), ENGINE_VAULT_ROLE, TTL, MAX_TTL, null, null, List.of("**"));
    }

    /** Build {@code build} of job {@code team/app} asks for a key of {@code role}. */
    MintedKey mint(KeyBroker broker, String role, String build) {
        return broker.mint(role, new MintRequest("team/app", build));
    }

    // ---------------------------------------------------------------- the world's other actors

    /** The admin config as an operator writes it into KV. */
    void writeAdminConfig(SecretString adminKey, String adminKeyId, String endpoint) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(AdminConfig.ADMIN_API_KEY, adminKey.reveal());
        m.put(AdminConfig.ADMIN_API_KEY_ID, adminKeyId);
        m.put(AdminConfig.ORGANIZATION_ID, org.id());
        m.put(AdminConfig.API_ENDPOINT, endpoint);
        vault.root().kvPut(KV_MOUNT, KV_PATH, m);
    }

    /** An owner rotates the admin key by hand: new key into KV, old key deleted in OpenAI. */
    FakeAdminKey rotateAdminKeyBehindTheControllersBack() {
        FakeAdminKey fresh = org.createAdminKey("rotated by hand");
        extraSecrets.add(fresh.value().reveal());
        writeAdminConfig(fresh.value(), fresh.id(), openai.baseUrl());
        org.deleteAdminKey(org.adminKeyId());
        return fresh;
    }

    /** {@code http://127.0.0.1:<port>/v1} where nothing listens: connection refused. */
    static String deadEndpoint() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + s.getLocalPort() + "/v1";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The periodic orphan sweep of this controller's prefix over the project, with the bootstrap admin key. */
    SweepReport sweep() {
        OpenAiAdminClient client = OpenAiAdminClient.builder().baseUrl(openai.baseUrl()).adminKey(org.adminKey())
                .settings(settings()).build();
        return new OrphanSweeper(new SweepPolicy(ServiceAccountNames.DEFAULT_PREFIX, SWEEP_GRACE, false), time)
                .sweep(ADMIN_ORG, ServiceAccountDirectory.of(client), List.of(project.id()));
    }

    /** Keeps a message a user or caller got (an exception), for the audit: it must carry no secret. */
    <T extends Throwable> T surfaced(T t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            surfaced.add(c.toString());
            for (Throwable s : c.getSuppressed()) {
                surfaced.add(s.toString());
            }
        }
        return t;
    }

    // ---------------------------------------------------------------- failure reports

    /** Formatted WARNING and SEVERE records that mention any of the key's ids (key, account, lease). */
    List<String> warningsAbout(MintedKey key) {
        return warningsAbout(key.keyId(), key.serviceAccountId(), key.leaseId());
    }

    List<String> warningsAbout(String... ids) {
        List<String> wanted = Stream.of(ids).filter(Objects::nonNull).toList();
        return logs.messagesAtLeast(Level.WARNING).stream()
                .filter(m -> wanted.stream().anyMatch(m::contains)).toList();
    }

    /**
     * The failure around the key was reported exactly once at WARNING or above, naming its
     * ids: not once by the HTTP client and again by the broker, and not again on each retry.
     */
    /** Lets the periodic task's backoff after {@code failures} consecutive failed revokes pass. */
    void waitOutRevokeBackoff(int failures) {
        time.advance(io.jenkins.plugins.openaikeys.core.broker.RevokeBackoff.DEFAULT.after(failures));
    }

    void assertReportedOnce(MintedKey key) {
        assertThat(warningsAbout(key)).as("WARNING/SEVERE records about %s", key).hasSize(1);
    }

    void assertReportedOnce(FakeServiceAccount account) {
        assertThat(warningsAbout(account.keyId(), account.id()))
                .as("WARNING/SEVERE records about %s", account.id()).hasSize(1);
    }

    /** Nothing at WARNING or above: the fault was absorbed without anyone needing to act. */
    void assertNoWarnings() {
        assertThat(logs.messagesAtLeast(Level.WARNING)).as("WARNING/SEVERE records").isEmpty();
    }

    /** No WARNING/SEVERE line is repeated word for word: every failure is reported once. */
    void assertNoRepeatedWarnings() {
        List<String> warnings = logs.messagesAtLeast(Level.WARNING);
        assertThat(warnings).as("repeated WARNING/SEVERE records").doesNotHaveDuplicates();
    }

    // ---------------------------------------------------------------- what the audit reads

    /** Live service accounts this plugin or the engine created (a human's or another controller's are not ours). */
    List<FakeServiceAccount> liveManagedAccounts() {
        return openai.allLiveServiceAccounts().stream()
                .filter(a -> ServiceAccountNames.parse(a.name())
                        .map(n -> n.prefix().equals(ServiceAccountNames.DEFAULT_PREFIX)).orElse(false)
                        || a.name().startsWith(ENGINE_ACCOUNT_PREFIX))
                .toList();
    }

    /** LiteLLM keys that still work (in the proxy's database and not expired on the clock). */
    List<FakeLiteLlmProxy.Key> liveLiteLlmKeys() {
        return litellm.liveKeys();
    }

    /** The periodic orphan sweep of this controller's prefix over the LiteLLM proxy's keys. */
    SweepReport sweepLiteLlm(LiteLlmProxyKeySource source) {
        return new OrphanSweeper(new SweepPolicy(ServiceAccountNames.DEFAULT_PREFIX, SWEEP_GRACE, false), time)
                .sweep(PROXY_ORG, source.sweepDirectory(), List.of("litellm-keys"));
    }

    Set<String> liveLeases() {
        return vault.root().liveLeases();
    }

    /** Every secret value that was ever in play in this world. */
    Set<String> secrets() {
        Set<String> s = new LinkedHashSet<>();
        for (FakeServiceAccount a : openai.everyServiceAccount()) {
            if (a.keyValue() != null) {
                s.add(a.keyValue().reveal());
            }
        }
        s.add(org.adminKey().reveal());
        s.add(engine.adminKey().reveal());
        s.add(SECRET_ID);
        s.addAll(litellm.secretsEverIssued());
        s.addAll(wire.credentials());
        s.addAll(extraSecrets);
        return s;
    }

    /** A secret a scenario brought in itself (e.g. planted). */
    void addSecret(String value) {
        extraSecrets.add(value);
    }

    /** Where this world may have written files: the ledger and any scenario temp dirs. */
    Path root() {
        return root;
    }

    Path ledgerDir() {
        return ledgerDir;
    }

    /**
     * Keeps the bytes of every file written so far: a handle file removed by the end of the
     * scenario is audited too. Called whenever a scenario looks at the ledger.
     */
    void snapshotFiles() {
        LeakAudit.files(root).forEach((name, bytes) -> snapshots.put("snapshot " + snapshots.size() + " of " + name,
                bytes));
    }

    Map<String, byte[]> fileSnapshots() {
        return Map.copyOf(snapshots);
    }

    List<String> surfacedMessages() {
        return List.copyOf(surfaced);
    }

    @Override
    public void close() {
        logs.close();
        pluginLogger.setUseParentHandlers(parentHandlersBefore);
        output.close();
        try {
            vault.close();
        } finally {
            try {
                litellm.close();
                openai.close();
            } finally {
                http.dispatcher().executorService().shutdown();
                http.connectionPool().evictAll();
                deleteTree(root);
            }
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind is harmless
        }
    }
}
