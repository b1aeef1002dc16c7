package io.jenkins.plugins.openaikeys.core.usage;

import io.jenkins.plugins.openaikeys.core.SecretString;
import io.jenkins.plugins.openaikeys.core.http.ClientSettings;
import io.jenkins.plugins.openaikeys.core.http.RetryPolicy;
import io.jenkins.plugins.openaikeys.core.openai.CreatedServiceAccount;
import io.jenkins.plugins.openaikeys.core.openai.OpenAiAdminClient;
import io.jenkins.plugins.openaikeys.core.openai.fake.FakeOpenAi;
import io.jenkins.plugins.openaikeys.core.openai.fake.FakeOrganization;
import io.jenkins.plugins.openaikeys.core.openai.fake.FakeProject;
import io.jenkins.plugins.openaikeys.core.testing.FakeTime;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One fake OpenAI on fake time with an organization and a project, an admin client that mints
 * keys as the adminApi source does, a way for "the build" to call models with a key, and a
 * collector over a store of the test's choice.
 */
final class UsageFixture implements AutoCloseable {

    /** Deterministic: no jitter, 0.5 s doubling to 8 s, 3 attempts, 30 s budget. */
    static final RetryPolicy POLICY =
            new RetryPolicy(3, Duration.ofMillis(500), Duration.ofSeconds(8), Duration.ofSeconds(30), () -> 1.0);

    /** First read 5 min after the key ended, then every 5 min, give up after a day, one minute of margin. */
    static final UsagePolicy USAGE = UsagePolicy.DEFAULT;

    final FakeTime time = new FakeTime(Instant.parse("2026-11-22T12:00:30Z"));
    final FakeOpenAi openai = FakeOpenAi.start(time);
    final FakeOrganization org = openai.createOrganization("acme");
    final FakeProject project = org.createProject("evals");
    final ClientSettings settings = ClientSettings.DEFAULTS.withTime(time).withRetryPolicy(POLICY)
            .withHttpClient(new OkHttpClient());
    final OpenAiAdminClient admin = OpenAiAdminClient.builder().baseUrl(openai.baseUrl()).adminKey(org.adminKey())
            .settings(settings).build();
    private final OkHttpClient http = new OkHttpClient();
    private final AtomicInteger builds = new AtomicInteger();

    /** Reads usage with the organization's admin key. */
    UsageReaders readers() {
        return organization -> new UsageClient(admin, organization);
    }

    UsageCollector collector(UsageStore store) {
        return new UsageCollector(store, readers(), USAGE, time);
    }

    /** A key as the broker mints it, with the usage job the plugin starts for it. */
    record Key(CreatedServiceAccount account, UsageJob job) {
        SecretString value() {
            return account.keyValue();
        }

        String keyId() {
            return account.keyId();
        }
    }

    Key mint(UsageCollector collector) {
        CreatedServiceAccount a = admin.createServiceAccount(project.id(), () -> "jenkins-evals-" + builds.incrementAndGet());
        UsageJob job = UsageJob.started("h-" + a.keyId(), "acme", project.id(), a.keyId(), "folder/job", "7",
                time.instant());
        return new Key(a, collector.keyStarted(job));
    }

    /** Deletes the key's service account, as a revoke does. */
    void revoke(Key key) {
        admin.deleteServiceAccount(project.id(), key.account().account().id());
    }

    /** What the build's body does: a chat completion with the key; returns the HTTP status. */
    int chat(Key key, String model, String prompt) {
        return post(key, "/chat/completions", "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"" + prompt + "\"}]}");
    }

    int embed(Key key, String model, String input) {
        return post(key, "/embeddings", "{\"model\":\"" + model + "\",\"input\":\"" + input + "\"}");
    }

    int post(Key key, String path, String json) {
        Request r = new Request.Builder().url(openai.baseUrl() + path)
                .header("Authorization", "Bearer " + key.value().reveal())
                .post(RequestBody.create(json, MediaType.get("application/json"))).build();
        try (Response response = http.newCall(r).execute()) {
            return response.code();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Ends the key now and steps its collection, moving fake time, until it is done (at most a day). */
    UsageJob collect(UsageCollector collector, Key key) {
        collector.keyEnded(key.job().id(), time.instant());
        return finish(collector, key.job().id());
    }

    UsageJob finish(UsageCollector collector, String id) {
        for (int i = 0; i < 400; i++) {
            Optional<UsageJob> job = collector.job(id);
            if (job.isEmpty() || job.get().state().isDone()) {
                return job.orElseThrow();
            }
            Instant due = collector.dueAt(job.get()).orElseThrow();
            if (due.isAfter(time.instant())) {
                time.advance(Duration.between(time.instant(), due));
            }
            collector.step(id);
        }
        throw new AssertionError("collection of " + id + " did not end");
    }

    @Override
    public void close() {
        openai.close();
    }
}
