package io.jenkins.plugins.openaikeys.acceptance;

import io.jenkins.plugins.openaikeys.acceptance.support.AcceptanceJenkins;
import io.jenkins.plugins.openaikeys.acceptance.support.Backends;
import io.jenkins.plugins.openaikeys.acceptance.support.Casc;
import io.jenkins.plugins.openaikeys.acceptance.support.JenkinsClient;
import io.jenkins.plugins.openaikeys.acceptance.support.JenkinsClient.Build;
import io.jenkins.plugins.openaikeys.acceptance.support.KeyLeaks;
import io.jenkins.plugins.openaikeys.core.openai.fake.FakeServiceAccount;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Pipeline and freestyle builds against the real controller: bind, mask, revoke and what can go wrong. */
class PipelineTest {

    @RegisterExtension
    static final AcceptanceJenkins j = new AcceptanceJenkins("pipeline").configure(c -> {
        // the periodic task that revokes pending and expired keys: as often as the plugin allows
        c.settings.put("revocationRetryInterval", "1m");
    });

    private static final String SHOW = "sh 'echo \"key=$OPENAI_API_KEY\"; echo \"id=$OPENAI_API_KEY_ID\"; "
            + "echo \"project=$OPENAI_API_KEY_PROJECT_ID\"'";

    private Build pipeline(String job, String script) {
        JenkinsClient admin = j.admin();
        admin.pipeline(job, script);
        return admin.run(job);
    }

    private static void assertMaskedAndRevoked(Build b, String key) {
        assertThat(b.console()).as(b.toString())
                .contains("Minted OpenAI key key_")
                .contains("key=****")
                .contains("Revoked key_")
                .doesNotContain(key);
    }

    private String onlyKey() {
        List<String> keys = j.keysMintedInThisTest();
        assertThat(keys).as("keys minted in this test").hasSize(1);
        return keys.get(0);
    }

    @Test
    void adminApiBindsMasksAndRevokes() {
        Build b = pipeline("admin-api", "node { withOpenAIKey('evals') { " + SHOW + " } }");
        assertThat(b.result()).as(b.toString()).isEqualTo("SUCCESS");
        String key = onlyKey();
        assertMaskedAndRevoked(b, key);
        FakeServiceAccount account = j.backends.accountOfKey(key);
        assertThat(b.console()).contains("id=" + account.keyId()).contains("project=" + j.backends.adminProject.id());
        assertThat(j.backends.openai.isLiveKey(key)).as("key still works after the build").isFalse();
    }

    @Test
    void vaultEngineBindsMasksAndRevokes() {
        Build b = pipeline("vault-engine", "node { withOpenAIKey('deploy') { " + SHOW + " } }");
        assertThat(b.result()).as(b.toString()).isEqualTo("SUCCESS");
        String key = onlyKey();
        assertMaskedAndRevoked(b, key);
        assertThat(j.backends.accountOfKey(key).projectId()).isEqualTo(j.backends.engineProject.id());
        assertThat(j.backends.liveLeases()).isEmpty();
        assertThat(j.backends.openai.isLiveKey(key)).isFalse();
    }

    @Test
    void variableAndTtlParameters() {
        Build b = pipeline("params", "node { withOpenAIKey(role: 'evals', variable: 'MY_KEY', ttl: '20m') { "
                + "sh 'echo \"mine=$MY_KEY\"; echo \"default=${OPENAI_API_KEY:-unset}\"' } }");
        assertThat(b.result()).as(b.toString()).isEqualTo("SUCCESS");
        assertThat(b.console()).contains("mine=****").contains("default=unset").doesNotContain(onlyKey());
    }

    @Test
    void bodyFailureRevokes() {
        Build b = pipeline("body-fails", "node { withOpenAIKey('evals') { sh 'echo \"key=$OPENAI_API_KEY\"; exit 3' } }");
        assertThat(b.result()).as(b.toString()).isEqualTo("FAILURE");
        assertMaskedAndRevoked(b, onlyKey());
    }

    @Test
    void abortRevokes() {
        JenkinsClient admin = j.admin();
        admin.pipeline("abort", "node { withOpenAIKey('evals') { sh 'echo \"started key=$OPENAI_API_KEY\"; sleep 300' } }");
        int n = admin.trigger("abort");
        admin.awaitConsole("abort", n, "started key=", Duration.ofMinutes(2));
        admin.abort("abort", n);
        String result = admin.awaitResult("abort", n, Duration.ofMinutes(2));
        String console = admin.console("abort", n);
        assertThat(result).as(console).isEqualTo("ABORTED");
        assertThat(console).contains("Revoked key_").doesNotContain(onlyKey());
    }

    @Test
    void timeoutStepRevokes() {
        Build b = pipeline("timeout", "timeout(time: 15, unit: 'SECONDS') { node { withOpenAIKey('evals') { "
                + "sh 'echo \"key=$OPENAI_API_KEY\"; sleep 300' } } }");
        assertThat(b.result()).as(b.toString()).isEqualTo("ABORTED");
        assertMaskedAndRevoked(b, onlyKey());
    }

    @Test
    void unknownRoleAndForbiddenJobSayWhyAndMintNothing() {
        int before = j.backends.mints();
        Build unknown = pipeline("unknown-role", "node { withOpenAIKey('nosuch') { echo 'body ran' } }");
        assertThat(unknown.result()).isEqualTo("FAILURE");
        assertThat(unknown.console()).as(unknown.toString()).contains("nosuch").doesNotContain("body ran").doesNotContain("\tat ");
        Build forbidden = pipeline("not-allowed", "node { withOpenAIKey('restricted') { echo 'body ran' } }");
        assertThat(forbidden.result()).isEqualTo("FAILURE");
        assertThat(forbidden.console()).as(forbidden.toString()).contains("restricted").doesNotContain("body ran")
                .doesNotContain("\tat ");
        Build path = pipeline("path-variable", "node { withOpenAIKey(role: 'evals', variable: 'PATH') { echo 'body ran' } }");
        assertThat(path.result()).isEqualTo("FAILURE");
        assertThat(path.console()).as(path.toString())
                .contains("The variable 'PATH' is a variable the build itself needs: choose another name such as"
                        + " OPENAI_API_KEY.")
                .doesNotContain("body ran").doesNotContain("\tat ");
        assertThat(j.backends.mints()).isEqualTo(before);
    }

    @Test
    void freestyleWrapperBindsMasksAndRevokes() {
        JenkinsClient admin = j.admin();
        admin.freestyle("freestyle", "evals", "echo \"key=$OPENAI_API_KEY\"");
        Build b = admin.run("freestyle");
        assertThat(b.result()).as(b.toString()).isEqualTo("SUCCESS");
        assertMaskedAndRevoked(b, onlyKey());
    }

    @Test
    void twentyParallelBuilds() throws Exception {
        JenkinsClient admin = j.admin();
        int n = 20;
        for (int i = 0; i < n; i++) {
            admin.pipeline("parallel-" + i, "node { withOpenAIKey('" + (i % 2 == 0 ? "evals" : "deploy") + "') { "
                    + "sh 'echo \"key=$OPENAI_API_KEY\"; sleep 2' } }");
        }
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<Build>> builds = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String job = "parallel-" + i;
                builds.add(pool.submit(() -> j.admin().run(job)));
            }
            for (Future<Build> f : builds) {
                Build b = f.get();
                assertThat(b.result()).as(b.toString()).isEqualTo("SUCCESS");
                assertThat(b.console()).contains("key=****").contains("Revoked key_");
            }
        } finally {
            pool.shutdownNow();
        }
        List<String> keys = j.keysMintedInThisTest();
        assertThat(keys).hasSize(n).doesNotHaveDuplicates();
    }

    /** Issue 9 item 6: wrap(mintOpenAIKey(...)) must fail with the sentence, not a stack trace. */
    @Test
    void wrapOfTheFreestyleWrapperSaysUseWithOpenAIKey() {
        int before = j.backends.mints();
        // the generic wrap step reaches the wrapper, which answers with the one sentence
        Build b = pipeline("wrap", "node { wrap([$class: 'OpenAIKeyBuildWrapper', role: 'evals']) { echo 'body ran' } }");
        assertThat(b.result()).isEqualTo("FAILURE");
        assertThat(b.console()).as(b.toString())
                .contains("withOpenAIKey(role: 'evals')")
                .doesNotContain("IllegalStateException")
                .doesNotContain("\tat ")
                .doesNotContain("body ran");
        // the wrapper is no Pipeline step of its own any more (it used to fail with a stack trace)
        Build symbol = pipeline("wrap-symbol", "node { wrap(mintOpenAIKey(role: 'evals')) { echo 'body ran' } }");
        assertThat(symbol.result()).isEqualTo("FAILURE");
        assertThat(symbol.console()).as(symbol.toString())
                .contains("No such DSL method 'mintOpenAIKey'")
                .doesNotContain("IllegalStateException")
                .doesNotContain("body ran");
        assertThat(j.backends.mints()).isEqualTo(before);
    }

    /** Issue 9 item 9: every line a line-wrapping Base64 encoder prints must be masked. */
    @Test
    void base64OfTheKeyIsMaskedEvenWhenWrapped() {
        Build b = pipeline("base64", "node { withOpenAIKey('evals') { sh '''\n"
                + "printf %s \"$OPENAI_API_KEY\" | base64\n"
                + "printf %s \"$OPENAI_API_KEY\" | base64 -w0; echo\n"
                + "if command -v openssl >/dev/null; then printf %s \"$OPENAI_API_KEY\" | openssl base64; echo; "
                + "printf %s \"$OPENAI_API_KEY\" | openssl base64 -A; echo; fi\n"
                + "if command -v python3 >/dev/null; then python3 -c 'import base64,os,sys; "
                + "sys.stdout.write(base64.encodebytes(os.environ[\"OPENAI_API_KEY\"].encode()).decode())'; fi\n"
                + "echo done-b64\n'''\n} }");
        assertThat(b.result()).as(b.toString()).isEqualTo("SUCCESS");
        String key = onlyKey();
        assertThat(b.console()).contains("done-b64").doesNotContain(key);
        assertThat(KeyLeaks.base64LinesOf(key, b.console(), 12))
                .as("console lines holding (part of) the key's Base64 form:\n" + b.console())
                .isEmpty();
    }

    /** Issue 9 item 10: a key whose TTL passes while the body runs is revoked, and the build log says when and why. */
    @Test
    void ttlPassingMidBuildIsLogged() throws Exception {
        Path flag = j.controller.dir().resolve("ttl-flag");
        Files.deleteIfExists(flag);
        JenkinsClient admin = j.admin();
        admin.pipeline("ttl", "node { withOpenAIKey(role: 'evals', ttl: '60s') { sh '''\n"
                + "echo started\n"
                + "i=0; while [ ! -f '" + flag + "' ] && [ $i -lt 600 ]; do sleep 1; i=$((i+1)); done\n"
                + "echo body-after-ttl\n''' } }");
        int n = admin.trigger("ttl");
        try {
            admin.awaitConsole("ttl", n, "^started", Duration.ofMinutes(2));
            String key = onlyKey();
            Instant end = Instant.now().plus(Duration.ofMinutes(4));
            while (j.backends.openai.isLiveKey(key) && Instant.now().isBefore(end)) {
                Thread.sleep(2000);
            }
            assertThat(j.backends.openai.isLiveKey(key)).as("key with a 60 s TTL still live 4 min into the build").isFalse();
            Thread.sleep(3000); // let the log line arrive
        } finally {
            Files.writeString(flag, "go");
        }
        String result = admin.awaitResult("ttl", n, Duration.ofMinutes(2));
        String console = admin.console("ttl", n);
        String keyId = j.backends.accountOfKey(onlyKey()).keyId();
        String beforeBodyEnd = console.substring(0, Math.max(0, console.indexOf("body-after-ttl")));
        List<String> lines = beforeBodyEnd.lines()
                .filter(l -> l.contains(keyId) && !l.contains("Minted OpenAI key"))
                .filter(l -> l.toLowerCase().matches(".*(ttl|expir).*"))
                .toList();
        assertThat(lines).as("a line, while the body still ran, saying that " + keyId
                + " was revoked because its TTL passed (" + result + "):\n" + console).isNotEmpty();
    }

    /** Issue 9 item 11: sealing Vault stops minting within a short bound (here: 60 s). */
    @Test
    void sealingVaultStopsMintingWithinABound() throws Exception {
        Build warm = pipeline("seal", "node { withOpenAIKey('evals') { echo 'minted' } }");
        assertThat(warm.result()).as(warm.toString()).isEqualTo("SUCCESS");
        j.backends.vault.seal();
        try {
            Thread.sleep(Duration.ofSeconds(60).toMillis());
            int before = j.backends.mints();
            Build sealed = j.admin().run("seal");
            assertThat(sealed.result()).as("a build 60 s after Vault was sealed must not get a key:\n" + sealed)
                    .isEqualTo("FAILURE");
            assertThat(j.backends.mints()).isEqualTo(before);
            assertThat(sealed.console()).containsIgnoringCase("vault").doesNotContain("\tat ");
        } finally {
            j.backends.vault.unseal();
        }
    }

    /**
     * Issue 9 item 8: Vault's "namespace not found" must be reported as a wrong namespace. The fake
     * Vault answers an unknown namespace with "permission denied", so a stand-in answers every request
     * as a Vault without that namespace does.
     */
    @Test
    void missingNamespaceIsReportedAsSuch() throws Exception {
        try (MockWebServer noNamespace = new MockWebServer()) {
            noNamespace.setDispatcher(new okhttp3.mockwebserver.Dispatcher() {
                @Override
                public MockResponse dispatch(okhttp3.mockwebserver.RecordedRequest request) {
                    return new MockResponse().setResponseCode(404).setHeader("Content-Type", "application/json")
                            .setBody("{\"errors\":[\"namespace not found\"]}");
                }
            });
            noNamespace.start(InetAddress.getLoopbackAddress(), 0);
            Casc c = j.casc.copy();
            c.vaultAddress = "http://127.0.0.1:" + noNamespace.getPort();
            c.vaultNamespace = "no-such-ns";
            j.apply(c);
            for (String role : List.of("evals", "deploy")) {
                Build b = pipeline("namespace-" + role, "node { withOpenAIKey('" + role + "') { echo 'body ran' } }");
                assertThat(b.result()).isEqualTo("FAILURE");
                assertThat(b.console()).as(b.toString())
                        .containsIgnoringCase("namespace")
                        .doesNotContain("does not exist in Vault")
                        .doesNotContain("nothing at")
                        .doesNotContain("body ran");
            }
            JenkinsClient.Response test = j.admin().post(
                    "descriptorByName/io.jenkins.plugins.openaikeys.config.OpenAIKeysConfiguration/testConnection");
            assertThat(test.body()).as("Test connection").containsIgnoringCase("namespace")
                    .doesNotContain("Vault has nothing at").doesNotContain("does not exist in Vault");
        }
    }

    @Test
    void declarativeOptions() throws Exception {
        assumeTrue(j.inputs.hasPlugin("pipeline-model-definition"),
                "Declarative Pipeline (pipeline-model-definition) is not among the plugins passed with -Djenkins.plugins.");
        Build b = pipeline("declarative", "pipeline {\n agent any\n options { withOpenAIKey('evals') }\n"
                + " stages {\n  stage('one') {\n   steps { sh 'echo \"key=$OPENAI_API_KEY\"' }\n  }\n"
                + "  stage('two') {\n   options { withOpenAIKey('deploy') }\n   steps { sh 'echo \"inner=$OPENAI_API_KEY\"' }\n  }\n"
                + " }\n}\n");
        assertThat(b.result()).as(b.toString()).isEqualTo("SUCCESS");
        assertThat(b.console()).contains("key=****").contains("inner=****");
        for (String key : j.keysMintedInThisTest()) {
            assertThat(b.console()).doesNotContain(key);
        }
        assertThat(j.keysMintedInThisTest()).hasSize(2);
    }
}
