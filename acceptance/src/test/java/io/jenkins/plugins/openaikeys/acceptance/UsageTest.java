package io.jenkins.plugins.openaikeys.acceptance;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.openaikeys.acceptance.support.AcceptanceJenkins;
import io.jenkins.plugins.openaikeys.acceptance.support.Backends;
import io.jenkins.plugins.openaikeys.acceptance.support.Browser;
import io.jenkins.plugins.openaikeys.acceptance.support.Casc;
import io.jenkins.plugins.openaikeys.acceptance.support.JenkinsClient;
import io.jenkins.plugins.openaikeys.acceptance.support.JenkinsClient.Build;
import io.jenkins.plugins.openaikeys.core.source.AdminConfig;
import org.htmlunit.html.HtmlElement;
import org.htmlunit.html.HtmlPage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Per-build OpenAI usage in the real controller: a Pipeline calls the fake model endpoints with
 * the key it holds (curl from {@code sh}), and the build page, {@code api/json} and the job's
 * trend chart show exactly what it used, once the fake's usage report (3 s late) is stable.
 * Collection timings are shortened by system properties. With {@code -Dusage.evidence=DIR} the
 * test also saves screenshots (headless Chromium), the JSON and the console there.
 */
class UsageTest {

    private static final String USAGE_READER_PATH = "openai/engine-usage";

    @RegisterExtension
    static final AcceptanceJenkins j = new AcceptanceJenkins("usage")
            .jvmArg("-Dio.jenkins.plugins.openaikeys.usage.UsageCollection.firstReadAfter=4s")
            .jvmArg("-Dio.jenkins.plugins.openaikeys.usage.UsageCollection.between=4s")
            .configure(c -> {
                Backends b = UsageTest.j.backends;
                b.openai.usageLag(Duration.ofSeconds(3));
                b.vault.root().kvPut(Backends.KV_MOUNT, USAGE_READER_PATH, Map.of(
                        AdminConfig.ADMIN_API_KEY, b.engineOrg.adminKey().reveal(),
                        AdminConfig.ADMIN_API_KEY_ID, b.engineOrg.adminKeyId(),
                        AdminConfig.ORGANIZATION_ID, b.engineOrg.id(),
                        AdminConfig.API_ENDPOINT, b.openai.baseUrl()));
                c.organizations.clear();
                c.organizations.add(Casc.adminApi(Backends.ADMIN_ORG, Backends.KV_MOUNT, Backends.KV_PATH)
                        + "\n    usage: {}");
                c.organizations.add(Casc.vaultEngine(Backends.ENGINE_ORG, Backends.ENGINE_MOUNT)
                        + "\n    usage:\n      kvPath: " + Casc.q(USAGE_READER_PATH));
            });

    private static String chat(String model, String prompt) {
        return "sh '''curl -sS -f -o /dev/null -H \"Authorization: Bearer $OPENAI_API_KEY\" -H 'Content-Type: application/json'"
                + " -d '{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}'"
                + " " + j.backends.openai.baseUrl() + "/chat/completions'''\n";
    }

    private static String embed(String model, String input) {
        return "sh '''curl -sS -f -o /dev/null -H \"Authorization: Bearer $OPENAI_API_KEY\" -H 'Content-Type: application/json'"
                + " -d '{\"model\":\"" + model + "\",\"input\":\"" + input + "\"}'"
                + " " + j.backends.openai.baseUrl() + "/embeddings'''\n";
    }

    /** The build's usage once every key is final or not available. */
    private static JsonNode awaitUsage(JenkinsClient c, String job, int n) {
        String path = JenkinsClient.jobPath(job) + n + "/openai-usage/api/json?depth=3";
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        JsonNode usage = null;
        while (Instant.now().isBefore(deadline)) {
            JenkinsClient.Response r = c.get(path);
            if (r.status() == 200) {
                usage = c.json(path);
                if (usage.path("complete").asBoolean()) {
                    return usage;
                }
            }
            sleep(1000);
        }
        throw new AssertionError("usage of " + job + " #" + n + " not complete in 2 minutes: " + usage);
    }

    private static JsonNode key(JsonNode usage, String keyId) {
        for (JsonNode k : usage.path("keys")) {
            if (k.path("keyId").asText().equals(keyId)) {
                return k;
            }
        }
        throw new AssertionError("no key " + keyId + " in " + usage);
    }

    private static List<String> models(JsonNode key) {
        List<String> out = new ArrayList<>();
        for (JsonNode m : key.path("models")) {
            out.add(m.path("model").asText() + " " + m.path("requests").asLong() + " " + m.path("inputTokens").asLong()
                    + " " + m.path("cachedInputTokens").asLong() + " " + m.path("outputTokens").asLong());
        }
        return out;
    }

    @Test
    void aPipelineSeesWhatItUsedOnItsPageInApiJsonAndOnTheJobChart() throws Exception {
        JenkinsClient admin = j.admin();
        admin.pipeline("llm-evals", "node {\n withOpenAIKey('evals') {\n"
                + chat("gpt-4o-mini", "say hello to the world")
                + chat("gpt-4o-mini", "say hello to the world")
                + embed("text-embedding-3-small", "one two three")
                + "  withOpenAIKey(role: 'evals', variable: 'INNER_KEY') {\n"
                + chat("gpt-4.1", "a b c d e f g").replace("$OPENAI_API_KEY", "$INNER_KEY")
                + "  }\n }\n}\n");
        Build b = admin.run("llm-evals");
        assertThat(b.result()).as(b.toString()).isEqualTo("SUCCESS");
        assertThat(b.console()).contains("will appear on").contains("/openai-usage/");
        JsonNode collecting = admin.json(JenkinsClient.jobPath("llm-evals") + b.number() + "/openai-usage/api/json?depth=2");
        assertThat(collecting.path("complete").asBoolean()).as("figures come minutes later: " + collecting).isFalse();
        assertThat(collecting.path("keys").findValuesAsText("state")).containsOnly("COLLECTING");
        assertThat(admin.get(JenkinsClient.jobPath("llm-evals") + b.number() + "/").body()).contains("Still collecting");
        screenshot(admin.base() + JenkinsClient.jobPath("llm-evals") + b.number() + "/", "build-page-collecting.png");
        List<String> keyIds = j.backends.everyAccount().stream().filter(a -> j.keysMintedInThisTest()
                .contains(a.keyValue().reveal())).map(a -> a.keyId()).toList();
        assertThat(keyIds).hasSize(2);

        JsonNode usage = awaitUsage(admin, "llm-evals", b.number());
        List<List<String>> perKey = keyIds.stream().map(id -> models(key(usage, id))).toList();
        assertThat(perKey).containsExactlyInAnyOrder(
                List.of("gpt-4o-mini 2 10 5 18", "text-embedding-3-small 1 3 0 0"),
                List.of("gpt-4.1 1 7 0 9"));
        assertThat(usage.path("requests").asLong()).isEqualTo(4);
        assertThat(usage.path("inputTokens").asLong()).isEqualTo(20);
        assertThat(usage.path("outputTokens").asLong()).isEqualTo(27);
        assertThat(usage.path("keys").get(0).path("state").asText()).isEqualTo("FINAL");

        JsonNode build = admin.json(JenkinsClient.jobPath("llm-evals") + b.number() + "/api/json?depth=2");
        assertThat(build.toString()).contains("\"inputTokens\":20").contains("OpenAIUsageAction");

        String page = admin.get(JenkinsClient.jobPath("llm-evals") + b.number() + "/").body();
        assertThat(page).contains("OpenAI usage").contains("gpt-4o-mini").contains("text-embedding-3-small")
                .contains("gpt-4.1").doesNotContain("Still collecting");

        // a second build with other figures: the chart has a point per build
        admin.pipeline("llm-evals", "node { withOpenAIKey('evals') {\n" + chat("gpt-4o-mini", "just three words")
                + "} }\n");
        Build b2 = admin.run("llm-evals");
        assertThat(b2.result()).as(b2.toString()).isEqualTo("SUCCESS");
        JsonNode usage2 = awaitUsage(admin, "llm-evals", b2.number());
        assertThat(usage2.path("inputTokens").asLong()).isEqualTo(3);

        JsonNode trend = admin.json(JenkinsClient.jobPath("llm-evals") + "openai-usage/trend");
        assertThat(trend.path("buildNumbers").toString()).isEqualTo("[" + b.number() + "," + b2.number() + "]");
        assertThat(trend.path("series").get(0).path("name").asText()).isEqualTo("Input tokens");
        assertThat(trend.path("series").get(0).path("data").toString()).isEqualTo("[20.0,3.0]");
        assertThat(trend.path("series").get(1).path("data").toString()).isEqualTo("[5.0,0.0]");
        assertThat(trend.path("series").get(2).path("data").toString()).isEqualTo("[27.0,9.0]");
        String jobPage = admin.get(JenkinsClient.jobPath("llm-evals")).body();
        assertThat(jobPage).contains("OpenAI tokens per build").contains("echarts-api-trend-chart-data-holder");

        evidence("build-api.json", usage.toPrettyString());
        evidence("build-full-api.json", build.toPrettyString());
        evidence("trend.json", trend.toPrettyString());
        evidence("console.txt", b.console());
        screenshot(admin.base() + JenkinsClient.jobPath("llm-evals") + b.number() + "/", "build-page.png");
        screenshot(admin.base() + JenkinsClient.jobPath("llm-evals") + b.number() + "/openai-usage/",
                "usage-page.png");
        screenshot(admin.base() + JenkinsClient.jobPath("llm-evals"), "job-page-chart.png");
        browser("section.js", admin.base() + "manage/configure", "system-page-section.png", "OpenAI Ephemeral Keys",
                "admin:admin");
    }

    @Test
    void aVaultEngineOrganizationReadsWithItsUsageReaderAndSaysWhyWhenRefused() throws Exception {
        JenkinsClient admin = j.admin();
        admin.pipeline("engine-llm", "node { withOpenAIKey('deploy') {\n" + chat("gpt-4o", "deploy notes please")
                + "} }\n");
        Build b = admin.run("engine-llm");
        assertThat(b.result()).as(b.toString()).isEqualTo("SUCCESS");
        JsonNode usage = awaitUsage(admin, "engine-llm", b.number());
        assertThat(models(usage.path("keys").get(0))).containsExactly("gpt-4o 1 3 0 9");

        j.backends.openai.denyUsage(j.backends.engineOrg, true);
        try {
            Build refused = admin.run("engine-llm");
            assertThat(refused.result()).as("usage never fails a build").isEqualTo("SUCCESS");
            JsonNode none = awaitUsage(admin, "engine-llm", refused.number());
            JsonNode k = none.path("keys").get(0);
            assertThat(k.path("state").asText()).isEqualTo("NOT_AVAILABLE");
            assertThat(k.path("message").asText()).contains("403").contains("read access to usage");
            assertThat(admin.get(JenkinsClient.jobPath("engine-llm") + refused.number() + "/").body())
                    .contains("Not available");
            evidence("not-available-api.json", none.toPrettyString());
        } finally {
            j.backends.openai.denyUsage(j.backends.engineOrg, false);
        }
    }

    @Test
    void aFreestyleBuildShowsItsUsageToo() {
        JenkinsClient admin = j.admin();
        admin.freestyle("freestyle-llm", "evals", "curl -sS -f -o /dev/null -H \"Authorization: Bearer $OPENAI_API_KEY\""
                + " -H 'Content-Type: application/json' -d '{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":"
                + "\"user\",\"content\":\"a freestyle call\"}]}' " + j.backends.openai.baseUrl() + "/chat/completions");
        Build b = admin.run("freestyle-llm");
        assertThat(b.result()).as(b.toString()).isEqualTo("SUCCESS");
        assertThat(b.console()).contains("will appear on");

        JsonNode usage = awaitUsage(admin, "freestyle-llm", b.number());
        assertThat(models(usage.path("keys").get(0))).containsExactly("gpt-4o-mini 1 3 0 9");
    }

    @Test
    void collectingResumesAfterARestart() throws Exception {
        JenkinsClient admin = j.admin();
        admin.pipeline("restart-llm", "node { withOpenAIKey('evals') {\n" + chat("gpt-4o-mini", "survive the restart")
                + "} }\n");
        Build b = admin.run("restart-llm");
        assertThat(b.result()).as(b.toString()).isEqualTo("SUCCESS");
        Path pending = j.home().resolve("openai-ephemeral-keys").resolve("usage");
        List<String> before;
        try (var files = Files.list(pending)) {
            before = files.filter(f -> f.toString().endsWith(".usage")).map(f -> {
                try {
                    return Files.readString(f);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
        assertThat(before).as("the key waits in a file, not yet final").hasSize(1);
        assertThat(before.get(0)).contains("state=COLLECTING").doesNotContain(j.keysMintedInThisTest().get(0));

        j.controller.restart();

        JsonNode usage = awaitUsage(j.admin(), "restart-llm", b.number());
        assertThat(models(usage.path("keys").get(0))).containsExactly("gpt-4o-mini 1 3 0 9");
        Instant deadline = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(deadline) && hasUsageFiles(pending)) {
            sleep(500);
        }
        assertThat(hasUsageFiles(pending)).as("delivered figures leave no file behind").isFalse();
    }

    private static boolean hasUsageFiles(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.anyMatch(f -> f.toString().endsWith(".usage"));
        }
    }

    @Test
    void anOrganizationWithUsageOffAddsNothing() {
        Casc off = j.casc.copy();
        off.organizations.set(0, Casc.adminApi(Backends.ADMIN_ORG, Backends.KV_MOUNT, Backends.KV_PATH));
        try {
            j.apply(off);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        JenkinsClient admin = j.admin();
        admin.pipeline("usage-off", "node { withOpenAIKey('evals') {\n" + chat("gpt-4o-mini", "x") + "} }\n");
        Build b = admin.run("usage-off");
        assertThat(b.result()).as(b.toString()).isEqualTo("SUCCESS");
        assertThat(b.console()).doesNotContain("OpenAI usage of key");
        assertThat(admin.get(JenkinsClient.jobPath("usage-off") + b.number() + "/openai-usage/api/json").status())
                .isEqualTo(404);
    }

    @Test
    void theSystemPageShowsTheToggleAndSavesTheUsageReaderPath() throws Exception {
        try (Browser b = new Browser(j.controller).login("admin", "admin")) {
            HtmlPage page = b.page("manage/configure");
            j.configurationChanged();
            assertThat(page.asNormalizedText()).contains("Show the OpenAI usage of each build on its page")
                    .contains("Usage is read with the admin key this organization already reads from Vault.");
            List<HtmlElement> engine = page.getByXPath("//div[contains(concat(' ',normalize-space(@class),' '),"
                    + "' repeated-chunk ')][.//*[@name='_.engineMount']][not(.//*[@name='_.engineRole'])]");
            assertThat(engine).hasSize(1);
            assertThat(Browser.value(engine.get(0), "kvPath", 0)).isEqualTo(USAGE_READER_PATH);
            Browser.set(engine.get(0), "kvPath", 0, "openai/other-reader");
            b.save(page);
        }
        String yaml = j.admin().post("manage/configuration-as-code/export").body();
        assertThat(yaml).contains("usage:").contains("kvPath: \"openai/other-reader\"");
    }

    // ---- evidence for the coordinator's note ------------------------------------------------

    private static Path evidenceDir() {
        String dir = System.getProperty("usage.evidence");
        return dir == null || dir.isBlank() ? null : Path.of(dir);
    }

    private static void evidence(String name, String text) throws IOException {
        Path dir = evidenceDir();
        if (dir != null) {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(name), text);
        }
    }

    private static void screenshot(String url, String name) throws Exception {
        browser("shot.js", url, name);
    }

    /** Runs one of the lab's puppeteer scripts ({@code shot.js URL OUT}, {@code section.js URL OUT TITLE}). */
    private static void browser(String script, String url, String name, String... more) throws Exception {
        Path dir = evidenceDir();
        Path shot = Path.of(System.getProperty("user.home"), "jenkins-lab", "tools", "browser", script);
        if (dir == null || !Files.isRegularFile(shot)) {
            return;
        }
        Files.createDirectories(dir);
        List<String> command = new ArrayList<>(List.of("node", shot.toString(), url, dir.resolve(name).toString()));
        command.addAll(List.of(more));
        if (more.length == 0) {
            command.add("admin:admin");
        }
        Process p = new ProcessBuilder(command)
                .directory(shot.getParent().toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile()).start();
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.destroyForcibly();
        }
        String log = Files.readString(dir.resolve(name + ".log"));
        assertThat(log).as("the page in headless Chromium (" + url + ")").contains("js errors: 0");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
