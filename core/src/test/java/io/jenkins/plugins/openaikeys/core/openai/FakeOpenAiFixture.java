package io.jenkins.plugins.openaikeys.core.openai;

import io.jenkins.plugins.openaikeys.core.SecretString;
import io.jenkins.plugins.openaikeys.core.http.ClientSettings;
import io.jenkins.plugins.openaikeys.core.http.RetryPolicy;
import io.jenkins.plugins.openaikeys.core.openai.fake.FakeOpenAi;
import io.jenkins.plugins.openaikeys.core.openai.fake.FakeOrganization;
import io.jenkins.plugins.openaikeys.core.openai.fake.FakeProject;
import io.jenkins.plugins.openaikeys.core.testing.FakeTime;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** One fake OpenAI, one organization with a project, and a client on fake time: a test's usual start. */
final class FakeOpenAiFixture implements AutoCloseable {

    /** Deterministic: no jitter, 0.5 s doubling to 8 s, 5 attempts, 60 s budget. */
    static final RetryPolicy POLICY =
            new RetryPolicy(5, Duration.ofMillis(500), Duration.ofSeconds(8), Duration.ofSeconds(60), () -> 1.0);

    final FakeTime time = new FakeTime();
    final FakeOpenAi openai = FakeOpenAi.start(time);
    final FakeOrganization org = openai.createOrganization();
    final FakeProject project = org.createProject("evals");
    private final AtomicInteger names = new AtomicInteger();

    OpenAiAdminClient client() {
        return client(org.adminKey());
    }

    OpenAiAdminClient client(SecretString adminKey) {
        return builder(adminKey).build();
    }

    OpenAiAdminClient.Builder builder(SecretString adminKey) {
        return OpenAiAdminClient.builder().baseUrl(openai.baseUrl()).adminKey(adminKey)
                .settings(settings());
    }

    /** Fake time as clock and sleeper, {@link #POLICY}: what {@link #builder} sets. */
    ClientSettings settings() {
        return ClientSettings.DEFAULTS.withTime(time).withRetryPolicy(POLICY);
    }

    /** Names like the broker's: unique per call. */
    Supplier<String> uniqueNames() {
        return () -> "jenkins-evals-42-" + names.incrementAndGet();
    }

    @Override
    public void close() {
        openai.close();
    }
}
