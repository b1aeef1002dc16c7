package io.jenkins.plugins.openaikeys.acceptance;

import io.jenkins.plugins.openaikeys.acceptance.support.AcceptanceJenkins;
import io.jenkins.plugins.openaikeys.acceptance.support.Backends;
import io.jenkins.plugins.openaikeys.acceptance.support.Casc;
import io.jenkins.plugins.openaikeys.acceptance.support.JenkinsClient;
import io.jenkins.plugins.openaikeys.acceptance.support.KeyLeaks;
import io.jenkins.plugins.openaikeys.core.litellm.fake.FakeLiteLlmProxy;
import io.jenkins.plugins.openaikeys.core.vault.fake.FakeLiteLlmEngineMount;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * LiteLLM virtual keys in a real controller, configured through JCasC: a {@code litellmProxy}
 * organization (base_url and master_key in the fake Vault's KV v2, the plugin generates and deletes
 * keys at the fake proxy) and a {@code litellmEngine} organization (the fake Vault's LiteLLM engine
 * mints under a lease). Each build must get the key in its variable and the proxy in
 * {@code OPENAI_BASE_URL}, use it against the proxy, see it masked, and leave it deleted. The console
 * and the fakes' state are written to {@code /tmp/litellm-evidence/} for the note.
 */
class LiteLlmPipelineTest {

    static final String PROXY_ORG = "llm-proxy";
    static final String ENGINE_ORG = "llm-engine";
    static final String PROXY_KV_PATH = "litellm/main";
    static final String ENGINE_MOUNT = "litellm";
    static final String ENGINE_ROLE = "team-a";
    static final Path EVIDENCE = Path.of("/tmp/litellm-evidence");

    static FakeLiteLlmProxy proxy;
    static FakeLiteLlmEngineMount engine;

    @RegisterExtension
    static final AcceptanceJenkins j = new AcceptanceJenkins("litellm").configure(LiteLlmPipelineTest::seed);

    /** Runs once the fakes are up, before the controller starts: the proxy, its config in Vault, the engine, JCasC. */
    private static void seed(Casc c) {
        proxy = FakeLiteLlmProxy.start();
        j.backends.vault.root().kvPut(Backends.KV_MOUNT, PROXY_KV_PATH, Map.of(
                "base_url", proxy.baseUrl(), "master_key", proxy.masterKey().reveal()));
        engine = j.backends.vault.root().enableLiteLlmEngine(ENGINE_MOUNT, proxy.baseUrl(), proxy.masterKey())
                .role(ENGINE_ROLE, List.of("gpt-4o", "gpt-4o-mini"), new BigDecimal("50"), Duration.ofMinutes(30),
                        Duration.ofHours(24));
        c.organizations.add(Casc.litellmProxy(PROXY_ORG, Backends.KV_MOUNT, PROXY_KV_PATH));
        c.organizations.add(Casc.litellmEngine(ENGINE_ORG, ENGINE_MOUNT, proxy.baseUrl()));
        Casc.Role chat = new Casc.Role("chat", PROXY_ORG);
        chat.models = "gpt-4o-mini\ngpt-4o";
        chat.maxBudget = "5";
        chat.ttl = "30m";
        chat.maxTtl = "1h";
        chat.allowedJobs = "**";
        c.roles.add(chat);
        Casc.Role team = new Casc.Role("team", ENGINE_ORG);
        team.engineRole = ENGINE_ROLE;
        team.ttl = "30m";
        team.variable = "LITELLM_API_KEY";
        team.allowedJobs = "**";
        c.roles.add(team);
        // the orphan sweep every 30 s, so that one runs during the class; planted leftovers for it
        c.settings.put("sweeperInterval", "30s");
        c.settings.put("sweeperGrace", "1m");
        long past = Instant.now().minus(Duration.ofHours(1)).getEpochSecond();
        long future = Instant.now().plus(Duration.ofHours(1)).getEpochSecond();
        plant("jk-chat-lost_job-7-" + past + "-ab12");    // this controller's, expired: must go
        plant("jk-chat-running-8-" + future + "-cd34");   // this controller's, not expired: must stay
        plant("other-chat-lost_job-7-" + past + "-ef56"); // another controller's prefix: must stay
    }

    static final String LOST = "jk-chat-lost_job-7-";

    /** A key at the proxy as a controller that died would have left it (alias only; its value is dropped). */
    private static void plant(String alias) {
        io.jenkins.plugins.openaikeys.core.litellm.LiteLlmProxyClient.create(proxy.baseUrl(), proxy.masterKey(),
                io.jenkins.plugins.openaikeys.core.http.ClientSettings.DEFAULTS).generate(
                new io.jenkins.plugins.openaikeys.core.litellm.KeyRequest(List.of("gpt-4o"), null, Duration.ofHours(2),
                        Map.of()), () -> alias);
    }

    @AfterAll
    static void stopProxy() {
        if (proxy != null) {
            proxy.close();
        }
    }

    private static String show(String variable) {
        return "sh '''echo \"key=$" + variable + "\"; echo \"base=$OPENAI_BASE_URL\"; echo \"id=$" + variable
                + "_ID\"; echo \"alias=$" + variable + "_ALIAS\"\n"
                + "curl -s -w \"\\\\nmodels-status=%{http_code}\\\\n\" -H \"Authorization: Bearer $" + variable
                + "\" \"$OPENAI_BASE_URL/v1/models\"\n"
                + "sleep 4'''";
    }

    /** Runs the job, snapshotting the fakes while the block holds the key; returns the finished build. */
    private JenkinsClient.Build runWithSnapshots(String job, String script, String name) throws IOException {
        JenkinsClient admin = j.admin();
        admin.pipeline(job, script);
        String before = state();
        int n = admin.trigger(job);
        admin.awaitConsole(job, n, "models-status=", Duration.ofMinutes(2));
        String during = state();
        String result = admin.awaitResult(job, n, Duration.ofMinutes(2));
        JenkinsClient.Build b = new JenkinsClient.Build(job, n, result, admin.console(job, n));
        // the revoke runs when the block ends, before the build finishes: the state is final now
        String after = state();
        Files.createDirectories(EVIDENCE);
        Files.writeString(EVIDENCE.resolve(name + "-console.txt"), b.console(), StandardCharsets.UTF_8);
        Files.writeString(EVIDENCE.resolve(name + "-fakes.txt"), "== before the build (" + Instant.now() + ")\n"
                + before + "\n== while the block ran\n" + during + "\n== after the build\n" + after,
                StandardCharsets.UTF_8);
        return b;
    }

    private static String state() {
        return proxy.describe() + "Vault leases live: " + j.backends.liveLeases() + "\nLiteLLM engine deleted aliases: "
                + engine.deletedAliases() + "\n";
    }

    private static String group(String console, String regex) {
        Matcher m = Pattern.compile(regex).matcher(console);
        assertThat(m.find()).as("console matches " + regex + ":\n" + console).isTrue();
        return m.group(1);
    }

    private void noLiteLlmSecretOnDisk() {
        List<String> leaks = KeyLeaks.scan(proxy.secretsEverIssued(), List.of(j.home(), j.controller.log()));
        assertThat(leaks).as("LiteLLM keys or the master key on disk").isEmpty();
    }

    @Test
    void litellmProxyMintsBindsMasksAndRevokes() throws IOException {
        int keysBefore = proxy.keys().size();
        JenkinsClient.Build b = runWithSnapshots("litellm-proxy", "node { withOpenAIKey('chat') { "
                + show("OPENAI_API_KEY") + " } }", "litellm-proxy");
        assertThat(b.result()).as(b.toString()).isEqualTo("SUCCESS");
        String console = b.console();
        String alias = group(console, "alias=(jk-chat-litellm_proxy-\\d+-\\d+-[a-z0-9]{4})");
        assertThat(console)
                .contains("Minted LiteLLM key ")
                .contains("(alias " + alias + ", models gpt-4o-mini, gpt-4o, max budget 5, proxy " + proxy.baseUrl()
                        + ", role chat, expires ")
                .contains("key=****")
                .contains("base=" + proxy.baseUrl())
                .contains("\"id\":\"gpt-4o-mini\"").contains("\"id\":\"gpt-4o\"")
                .contains("models-status=200")
                .contains("Revoked ");
        for (String secret : proxy.secretsEverIssued()) {
            assertThat(console).doesNotContain(secret);
        }
        assertThat(proxy.keys()).hasSize(keysBefore);
        assertThat(proxy.byAlias(alias)).isNull();
        assertThat(proxy.deletedAliases()).contains(alias);
        noLiteLlmSecretOnDisk();
    }

    @Test
    void litellmEngineMintsBindsMasksAndRevokes() throws IOException {
        JenkinsClient.Build b = runWithSnapshots("litellm-engine", "node { withOpenAIKey('team') { "
                + show("LITELLM_API_KEY") + " } }", "litellm-engine");
        assertThat(b.result()).as(b.toString()).isEqualTo("SUCCESS");
        String console = b.console();
        String alias = group(console, "alias=(vault-team-a-[0-9a-f]{12})");
        assertThat(console)
                .contains("Minted LiteLLM key ")
                .contains("(alias " + alias + ", models set by engine role team-a with its budget, proxy "
                        + proxy.baseUrl() + ", role team, expires ")
                .contains("key=****")
                .contains("base=" + proxy.baseUrl())
                .contains("\"id\":\"gpt-4o\"")
                .contains("models-status=200")
                .contains("Revoked ");
        for (String secret : proxy.secretsEverIssued()) {
            assertThat(console).doesNotContain(secret);
        }
        assertThat(proxy.byAlias(alias)).isNull();
        assertThat(engine.deletedAliases()).contains(alias);
        assertThat(j.backends.liveLeases()).isEmpty();
        noLiteLlmSecretOnDisk();
    }

    @Test
    void freestyleWrapperBindsTheProxyUrlToo() throws IOException {
        JenkinsClient admin = j.admin();
        admin.freestyle("litellm-freestyle", "chat", "echo \"key=$OPENAI_API_KEY\"; echo \"base=$OPENAI_BASE_URL\"\n"
                + "curl -s -o /dev/null -w \"models-status=%{http_code}\\n\" -H \"Authorization: Bearer $OPENAI_API_KEY\""
                + " \"$OPENAI_BASE_URL/v1/models\"");
        JenkinsClient.Build b = admin.run("litellm-freestyle");
        Files.createDirectories(EVIDENCE);
        Files.writeString(EVIDENCE.resolve("litellm-freestyle-console.txt"), b.console(), StandardCharsets.UTF_8);
        assertThat(b.result()).as(b.toString()).isEqualTo("SUCCESS");
        String alias = group(b.console(), "alias (jk-chat-litellm_freestyle-\\d+-\\d+-[a-z0-9]{4})");
        assertThat(b.console()).contains("key=****").contains("base=" + proxy.baseUrl()).contains("models-status=200")
                .contains("Revoked ");
        for (String secret : proxy.secretsEverIssued()) {
            assertThat(b.console()).doesNotContain(secret);
        }
        assertThat(proxy.byAlias(alias)).isNull();
        noLiteLlmSecretOnDisk();
    }

    @Test
    void jcascExportsBothKindsAndRefusesLimitsTheEngineFixes() throws IOException {
        JenkinsClient.Response r = j.admin().post("manage/configuration-as-code/export");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        String yaml = r.body();
        Files.createDirectories(EVIDENCE);
        Files.writeString(EVIDENCE.resolve("jcasc-export.yaml"), yaml, StandardCharsets.UTF_8);
        assertThat(yaml).contains("litellmProxy:").contains("litellmEngine:").contains("proxyUrl: \"" + proxy.baseUrl())
                .contains("kvPath: \"" + PROXY_KV_PATH).contains("maxBudget: \"5\"").contains("gpt-4o-mini")
                .doesNotContain(proxy.masterKey().reveal());

        Casc bad = j.casc.copy();
        bad.role("team").models = "gpt-4o";
        IllegalStateException refused = org.assertj.core.api.Assertions.catchThrowableOfType(IllegalStateException.class,
                () -> j.apply(bad));
        assertThat(refused).as("JCasC applied models on a litellmEngine role").isNotNull();
        assertThat(refused.getMessage().replaceAll("\\s+", " ")).contains("Role team sets models or a max budget, but the"
                + " LiteLLM engine role 'team-a' in Vault fixes them for organization llm-engine");

        Casc usage = j.casc.copy();
        usage.organizations.replaceAll(o -> o.startsWith("litellmProxy:") ? o + "\n    usage: {}" : o);
        IllegalStateException noUsage = org.assertj.core.api.Assertions.catchThrowableOfType(
                IllegalStateException.class, () -> j.apply(usage));
        assertThat(noUsage).as("JCasC applied per-build OpenAI usage on a litellmProxy organization").isNotNull();
        assertThat(noUsage.getMessage().replaceAll("\\s+", " ")).contains("Organization llm-proxy mints LiteLLM virtual"
                + " keys, which OpenAI's usage API does not report: remove its usage setting");
    }

    @Test
    void testButtonsAndFormChecksOfTheNewKinds() throws IOException {
        JenkinsClient admin = j.admin();
        String d = "descriptorByName/io.jenkins.plugins.openaikeys.config.";
        JenkinsClient.Response proxyTest = admin.post(d + "LiteLlmProxyOrganization/testOrganization?name=" + PROXY_ORG);
        JenkinsClient.Response engineTest = admin.post(d + "LiteLlmEngineOrganization/testOrganization?name=" + ENGINE_ORG);
        Files.createDirectories(EVIDENCE);
        Files.writeString(EVIDENCE.resolve("test-buttons.txt"), "litellmProxy: " + plain(proxyTest.body())
                + "\nlitellmEngine: " + plain(engineTest.body()) + "\n", StandardCharsets.UTF_8);
        assertThat(plain(proxyTest.body())).as(proxyTest.body())
                .contains("Organization llm-proxy: LiteLLM proxy configuration found at secret/litellm/main")
                .contains("proxy " + proxy.baseUrl()).doesNotContain(proxy.masterKey().reveal());
        assertThat(plain(engineTest.body())).as(engineTest.body())
                .contains("Organization llm-engine: LiteLLM secrets engine configuration readable at litellm/config");
        assertThat(formCheck(admin, d + "LiteLlmEngineOrganization/checkProxyUrl?value=ftp://x")).isEqualTo("error");
        assertThat(formCheck(admin, d + "RoleConfig/checkMaxBudget?value=lots&organization=" + PROXY_ORG))
                .isEqualTo("error");
        assertThat(formCheck(admin, d + "RoleConfig/checkModels?value=gpt-4o&organization=" + ENGINE_ORG))
                .as("models on a litellmEngine role").isEqualTo("error");
        assertThat(formCheck(admin, d + "RoleConfig/checkModels?value=gpt-4o&organization=" + PROXY_ORG))
                .isEqualTo("ok");
    }

    /** A form answer's text: tags dropped, the few entities Jenkins writes decoded. */
    private static String plain(String html) {
        return html.replaceAll("<[^>]+>", " ").replace("&#39;", "'").replace("&quot;", "\"").replace("&lt;", "<")
                .replace("&gt;", ">").replace("&amp;", "&").replaceAll("\\s+", " ").trim();
    }

    private static String formCheck(JenkinsClient c, String path) {
        JenkinsClient.Response r = c.get(path);
        assertThat(r.status()).as(path + ": " + r.body()).isEqualTo(200);
        return r.body().contains("class=\"error\"") || r.body().contains("class=error") ? "error" : "ok";
    }

    @Test
    void systemPageRendersTheNewKindsAndSavesThemUnchanged() throws Exception {
        try (io.jenkins.plugins.openaikeys.acceptance.support.Browser b =
                     new io.jenkins.plugins.openaikeys.acceptance.support.Browser(j.controller).login("admin", "admin")) {
            org.htmlunit.html.HtmlPage page = b.page("manage/configure");
            String html = page.getWebResponse().getContentAsString();
            assertThat(page.getWebResponse().getStatusCode()).isEqualTo(200);
            assertThat(html).doesNotContain("A problem occurred").doesNotContain("Unable to create expression");
            String text = page.getBody().asNormalizedText();
            assertThat(text).contains("LiteLLM proxy URL as builds reach it")
                    .contains("KV v2 path of the LiteLLM proxy configuration")
                    .contains("LiteLLM models, one per line, for a LiteLLM proxy organization")
                    .contains("LiteLLM max budget, for a LiteLLM proxy organization");
            assertThat(page.<org.htmlunit.html.HtmlElement>getFirstByXPath("//form[@name='config']//*[@name='Submit']"))
                    .as("Save button of the System page").isNotNull();
            assertThat(page.getByXPath("//*[@name='_.proxyUrl']")).hasSize(1);
            assertThat(page.getByXPath("//*[@name='_.models']")).as("one per role").hasSize(j.casc.roles.size());
            j.configurationChanged();
            b.save(page);
        }
        String yaml = j.admin().post("manage/configuration-as-code/export").body();
        assertThat(yaml).as("saved through the form").contains("litellmProxy:").contains("litellmEngine:")
                .contains("proxyUrl: \"" + proxy.baseUrl()).contains("maxBudget: \"5\"").contains("gpt-4o-mini");
        JenkinsClient.Build b = runAfterSave();
        assertThat(b.result()).as(b.toString()).isEqualTo("SUCCESS");
        assertThat(b.console()).contains("models gpt-4o-mini, gpt-4o, max budget 5");
    }

    private JenkinsClient.Build runAfterSave() {
        JenkinsClient admin = j.admin();
        admin.pipeline("after-save", "node { withOpenAIKey('chat') { echo 'bound' } }");
        return admin.run("after-save");
    }

    @Test
    void theOrphanSweepDeletesThisControllersExpiredProxyKeysOnly() throws IOException {
        Instant end = Instant.now().plus(Duration.ofMinutes(3));
        while (proxy.keys().stream().anyMatch(k -> k.alias().startsWith(LOST)) && Instant.now().isBefore(end)) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        Path log = j.home().resolve("logs/tasks/OpenAI orphan sweep.log");
        String sweepLog = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no task log)";
        Files.createDirectories(EVIDENCE);
        Files.writeString(EVIDENCE.resolve("orphan-sweep.txt"), "== task log\n" + sweepLog + "\n== proxy after\n"
                + proxy.describe(), StandardCharsets.UTF_8);
        assertThat(proxy.keys()).as(sweepLog).noneMatch(k -> k.alias().startsWith(LOST));
        assertThat(proxy.keys()).extracting(FakeLiteLlmProxy.Key::alias)
                .anyMatch(a -> a.startsWith("jk-chat-running-8-")).anyMatch(a -> a.startsWith("other-chat-lost_job-7-"));
        assertThat(sweepLog).contains("Deleted LiteLLM key alias " + LOST);
    }

    @Test
    void aKilledControllerResumesTheBlockAndItsEndDeletesTheKey() throws Exception {
        Path flag = j.controller.dir().resolve("litellm-kill-flag");
        Files.deleteIfExists(flag);
        JenkinsClient admin = j.admin();
        admin.pipeline("litellm-kill", "node { withOpenAIKey('chat') {\n"
                + "  sh 'echo \"before=$OPENAI_API_KEY base=$OPENAI_BASE_URL\"'\n"
                + "  waitUntil { fileExists('" + flag + "') }\n"
                + "  sh 'echo \"after=$OPENAI_API_KEY base=$OPENAI_BASE_URL\"'\n"
                + "} }");
        int n = admin.trigger("litellm-kill");
        admin.awaitConsole("litellm-kill", n, "^before=", Duration.ofMinutes(2));
        Thread.sleep(2000); // let the program state reach disk at the waitUntil
        String alias = group(admin.console("litellm-kill", n), "\\(alias (jk-chat-litellm_kill-[^,]+),");
        j.controller.kill();
        j.controller.start();
        assertThat(proxy.byAlias(alias)).as("the key lives on while the build waits").isNotNull();
        Files.writeString(flag, "go");
        JenkinsClient again = j.admin();
        String result = again.awaitResult("litellm-kill", n, Duration.ofMinutes(5));
        String console = again.console("litellm-kill", n);
        Files.createDirectories(EVIDENCE);
        Files.writeString(EVIDENCE.resolve("litellm-kill-console.txt"), console, StandardCharsets.UTF_8);
        assertThat(result).as(console).isEqualTo("SUCCESS");
        assertThat(console).contains("before=**** base=" + proxy.baseUrl()).contains("after=**** base=" + proxy.baseUrl())
                .contains("Revoked ");
        for (String secret : proxy.secretsEverIssued()) {
            assertThat(console).doesNotContain(secret);
        }
        assertThat(proxy.byAlias(alias)).as("deleted at the block's end after the restart").isNull();
        noLiteLlmSecretOnDisk();
    }
}
