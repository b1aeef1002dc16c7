package io.jenkins.plugins.openaikeys.core.usage;

import io.jenkins.plugins.openaikeys.core.EphemeralKeyException;
import io.jenkins.plugins.openaikeys.core.openai.fake.Call;
import io.jenkins.plugins.openaikeys.core.openai.fake.Endpoint;
import io.jenkins.plugins.openaikeys.core.openai.fake.Fault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the usage client asks OpenAI, how it pages, and how it fails. */
class UsageClientTest {

    private final UsageFixture f = new UsageFixture();
    private final UsageCollector collector = f.collector(new InMemoryUsageStore());
    private final UsageClient client = new UsageClient(f.admin, "acme");

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void aLongLivedKeyIsReadOverSeveralPages() {
        UsageFixture.Key key = f.mint(collector);
        Instant start = f.time.instant();
        f.chat(key, "gpt-4o-mini", "early call");
        f.time.advance(Duration.ofHours(30)); // beyond 1440 one-minute buckets
        f.chat(key, "gpt-4o-mini", "late call here");
        f.openai.resetCallLog();

        var figures = client.keyUsage(key.keyId(), f.project.id(),
                UsageWindow.of(start, f.time.instant(), Duration.ofMinutes(1)));

        assertThat(figures).containsExactly(new ModelUsage("gpt-4o-mini", 2, 5, 0, 18));
        assertThat(f.openai.calls(Endpoint.USAGE)).as("two pages for each of the two kinds").isEqualTo(4);
    }

    @Test
    void asksForOneKeyOfOneProjectByKeyAndModelInMinuteBuckets() {
        UsageFixture.Key key = f.mint(collector);
        f.openai.resetCallLog();

        client.keyUsage(key.keyId(), f.project.id(), UsageWindow.of(f.time.instant(), f.time.instant(),
                Duration.ofMinutes(1)));

        assertThat(f.openai.callLog()).extracting(Call::path)
                .containsExactly("/organization/usage/completions", "/organization/usage/embeddings");
    }

    @Test
    void aMalformedAnswerIsOneSentenceWithoutTheAdminKey() {
        UsageFixture.Key key = f.mint(collector);
        f.openai.inject(Endpoint.USAGE, Fault.malformedJson());

        assertThatThrownBy(() -> client.keyUsage(key.keyId(), null, UsageWindow.of(f.time.instant(),
                f.time.instant(), Duration.ofMinutes(1))))
                .isInstanceOf(EphemeralKeyException.class)
                .isNotInstanceOf(UsageNotAvailableException.class)
                .hasMessageContaining("/organization/usage/completions")
                .hasMessageNotContaining(f.org.adminKey().reveal());
    }

    @Test
    void aHugeAnswerIsRefused() {
        UsageFixture.Key key = f.mint(collector);
        f.openai.inject(Endpoint.USAGE, Fault.hugeBody(2 * 1024 * 1024));

        assertThatThrownBy(() -> client.keyUsage(key.keyId(), null, UsageWindow.of(f.time.instant(),
                f.time.instant(), Duration.ofMinutes(1))))
                .hasMessageContaining("larger than 1 MiB");
    }

    @Test
    void aRevokedAdminKeyIsNotAvailable() {
        UsageFixture.Key key = f.mint(collector);
        f.org.deleteAdminKey(f.org.adminKeyId());

        assertThatThrownBy(() -> client.keyUsage(key.keyId(), null, UsageWindow.of(f.time.instant(),
                f.time.instant(), Duration.ofMinutes(1))))
                .isInstanceOf(UsageNotAvailableException.class)
                .hasMessageContaining("(401 invalid_api_key")
                .hasMessageNotContaining(f.org.adminKey().reveal());
    }
}
