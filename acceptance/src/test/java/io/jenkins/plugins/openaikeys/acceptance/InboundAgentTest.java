package io.jenkins.plugins.openaikeys.acceptance;

import io.jenkins.plugins.openaikeys.acceptance.support.AcceptanceJenkins;
import io.jenkins.plugins.openaikeys.acceptance.support.JenkinsClient;
import io.jenkins.plugins.openaikeys.acceptance.support.JenkinsClient.Build;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The body runs on an inbound agent ({@code agent.jar} from the controller, WebSocket, loopback);
 * minting and revoking stay on the controller, the key reaches the agent's environment masked.
 */
class InboundAgentTest {

    private static final String AGENT = "agent1";

    @RegisterExtension
    static final AcceptanceJenkins j = new AcceptanceJenkins("agent").configure(c -> {
        c.inboundAgent = AGENT;
        c.inboundAgentRemoteFs = System.getProperty("java.io.tmpdir") + "/openai-keys-acceptance-agent-" + ProcessHandle.current().pid();
    });

    private Process agent;

    @AfterEach
    void stopAgent() throws Exception {
        if (agent != null) {
            agent.destroy();
            if (!agent.waitFor(20, TimeUnit.SECONDS)) {
                agent.destroyForcibly();
            }
        }
    }

    @Test
    void bodyOnAnInboundAgent() throws Exception {
        JenkinsClient admin = j.admin();
        Path dir = j.controller.dir().resolve("agent");
        Files.createDirectories(dir);
        Path jar = dir.resolve("agent.jar");
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(j.controller.url() + "jnlpJars/agent.jar")).build(),
                HttpResponse.BodyHandlers.ofFile(jar));
        String jnlp = admin.get("computer/" + AGENT + "/jenkins-agent.jnlp").body();
        Matcher m = Pattern.compile("<argument>([0-9a-f]{64})</argument>").matcher(jnlp);
        assertThat(m.find()).as("agent secret in the JNLP file:\n" + jnlp).isTrue();
        agent = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
                "-url", j.controller.url(), "-secret", m.group(1), "-name", AGENT, "-webSocket",
                "-workDir", dir.resolve("work").toString())
                .directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("agent.log").toFile()).start();
        Instant end = Instant.now().plusSeconds(120);
        while (admin.json("computer/" + AGENT + "/api/json?tree=offline").get("offline").asBoolean()) {
            assertThat(Instant.now()).as("agent online within 120 s; log:\n"
                    + String.join("\n", Files.readAllLines(dir.resolve("agent.log")))).isBefore(end);
            assertThat(agent.isAlive()).as("agent process alive").isTrue();
            Thread.sleep(1000);
        }
        admin.pipeline("on-agent", "node('inbound') { withOpenAIKey('evals') { "
                + "sh 'echo \"key=$OPENAI_API_KEY\"; echo \"node=$NODE_NAME\"' } }");
        Build b = admin.run("on-agent");
        assertThat(b.result()).as(b.toString()).isEqualTo("SUCCESS");
        List<String> keys = j.keysMintedInThisTest();
        assertThat(keys).hasSize(1);
        assertThat(b.console()).contains("node=" + AGENT).contains("key=****").contains("Revoked key_")
                .doesNotContain(keys.get(0));
        assertThat(Files.readString(dir.resolve("agent.log"))).doesNotContain(keys.get(0));
    }
}
