package io.jenkins.plugins.openaikeys.acceptance.support;

import io.jenkins.plugins.openaikeys.core.source.AdminConfig;
import io.jenkins.plugins.openaikeys.core.openai.fake.Endpoint;
import io.jenkins.plugins.openaikeys.core.openai.fake.FakeOpenAi;
import io.jenkins.plugins.openaikeys.core.openai.fake.FakeOrganization;
import io.jenkins.plugins.openaikeys.core.openai.fake.FakeProject;
import io.jenkins.plugins.openaikeys.core.openai.fake.FakeServiceAccount;
import io.jenkins.plugins.openaikeys.core.vault.fake.FakeVault;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Core's fakes of OpenAI and Vault, on loopback in the test JVM, seeded for two organizations:
 * {@value #ADMIN_ORG} (adminApi: the admin config in KV v2 at {@value #KV_MOUNT}/{@value #KV_PATH})
 * and {@value #ENGINE_ORG} (vaultEngine: the fake OpenAI secrets engine at {@value #ENGINE_MOUNT},
 * engine role {@value #ENGINE_ROLE}). The controller logs in with the fake's root token (a
 * Secret text credential {@value #TOKEN_CREDENTIAL}). They outlive controller restarts, as real
 * services would.
 */
public final class Backends implements AutoCloseable {

    public static final String ADMIN_ORG = "acme";
    public static final String ENGINE_ORG = "engine";
    public static final String KV_MOUNT = "secret";
    public static final String KV_PATH = "openai/acme";
    public static final String ENGINE_MOUNT = "openai";
    public static final String ENGINE_ROLE = "deployer";
    public static final String TOKEN_CREDENTIAL = "vault-token";

    public final FakeOpenAi openai;
    public final FakeVault vault;
    public final FakeOrganization adminOrg;
    public final FakeProject adminProject;
    public final FakeOrganization engineOrg;
    public final FakeProject engineProject;

    private Backends(FakeOpenAi openai, FakeVault vault) {
        this.openai = openai;
        this.vault = vault;
        this.adminOrg = openai.createOrganization(ADMIN_ORG);
        this.adminProject = adminOrg.createProject("evals");
        this.engineOrg = openai.createOrganization(ENGINE_ORG);
        this.engineProject = engineOrg.createProject("deploy");
        vault.root().enableKv(KV_MOUNT).kvPut(KV_MOUNT, KV_PATH, Map.of(
                AdminConfig.ADMIN_API_KEY, adminOrg.adminKey().reveal(),
                AdminConfig.ADMIN_API_KEY_ID, adminOrg.adminKeyId(),
                AdminConfig.ORGANIZATION_ID, adminOrg.id(),
                AdminConfig.API_ENDPOINT, openai.baseUrl()));
        vault.root().enableOpenAiEngine(ENGINE_MOUNT, openai.baseUrl(), engineOrg.adminKey(),
                        engineOrg.adminKeyId(), engineOrg.id())
                .role(ENGINE_ROLE, engineProject.id(), Duration.ofMinutes(30), Duration.ofHours(1));
    }

    public static Backends start() {
        FakeOpenAi openai = FakeOpenAi.start();
        FakeVault vault;
        try {
            vault = FakeVault.start();
        } catch (RuntimeException e) {
            openai.close();
            throw e;
        }
        try {
            return new Backends(openai, vault);
        } catch (RuntimeException e) {
            openai.close();
            vault.close();
            throw e;
        }
    }

    public String rootToken() {
        return vault.root().rootToken().reveal();
    }

    /** Service accounts alive at OpenAI, in every project (minted keys not yet revoked). */
    public List<FakeServiceAccount> liveAccounts() {
        return openai.allLiveServiceAccounts();
    }

    /** Leases alive in Vault (engine-minted keys not yet revoked). */
    public Set<String> liveLeases() {
        return vault.root().liveLeases();
    }

    /** The values of every service-account key OpenAI ever issued (revoked ones included). */
    public Set<String> everyKeyValue() {
        Set<String> out = new LinkedHashSet<>();
        for (FakeServiceAccount a : openai.everyServiceAccount()) {
            if (a.keyValue() != null) {
                out.add(a.keyValue().reveal());
            }
        }
        return out;
    }

    public List<FakeServiceAccount> everyAccount() {
        return openai.everyServiceAccount();
    }

    /** The service account whose key is this value, live or not. */
    public FakeServiceAccount accountOfKey(String key) {
        return openai.everyServiceAccount().stream()
                .filter(a -> a.keyValue() != null && Objects.equals(a.keyValue().reveal(), key))
                .findFirst().orElseThrow();
    }

    public int mints() {
        return openai.calls(Endpoint.CREATE_SERVICE_ACCOUNT);
    }

    @Override
    public void close() {
        try {
            openai.close();
        } finally {
            vault.close();
        }
    }
}
