package io.jenkins.plugins.openaikeys.core.usage;

import io.jenkins.plugins.openaikeys.core.openai.fake.Endpoint;
import io.jenkins.plugins.openaikeys.core.openai.fake.Fault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Final figures equal what the build's body consumed, whatever happens while collecting. */
class UsageCollectorTest {

    private final UsageFixture f = new UsageFixture();

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void twoKeysTwoModelsInOneBuildGetExactlyTheirOwnFigures() {
        f.openai.usageLag(Duration.ofMinutes(3));
        UsageCollector c = f.collector(new InMemoryUsageStore());
        UsageFixture.Key a = f.mint(c);
        UsageFixture.Key b = f.mint(c);
        assertThat(f.chat(a, "gpt-4o-mini", "say hello to the world")).isEqualTo(200); // 5 in, 9 out
        f.time.advance(Duration.ofSeconds(70));
        assertThat(f.chat(a, "gpt-4o-mini", "say hello to the world")).isEqualTo(200); // 5 in, all cached
        assertThat(f.embed(a, "text-embedding-3-small", "one two three")).isEqualTo(200); // 3 in
        assertThat(f.chat(b, "gpt-4.1", "a b c d e f g")).isEqualTo(200); // 7 in, 9 out
        f.time.advance(Duration.ofSeconds(20));

        UsageJob ja = f.collect(c, a);
        UsageJob jb = f.collect(c, b);

        assertThat(ja.state()).isEqualTo(UsageJob.State.FINAL);
        assertThat(ja.figures()).containsExactly(
                new ModelUsage("gpt-4o-mini", 2, 10, 5, 18),
                new ModelUsage("text-embedding-3-small", 1, 3, 0, 0));
        assertThat(jb.figures()).containsExactly(new ModelUsage("gpt-4.1", 1, 7, 0, 9));
        assertThat(ja.reads()).as("final only when two reads agree").isGreaterThanOrEqualTo(2);
    }

    @Test
    void figuresThatAreStillArrivingAreNotFinal() {
        f.openai.usageLag(Duration.ofMinutes(7)); // the first read, 5 min after the end, sees nothing yet
        UsageCollector c = f.collector(new InMemoryUsageStore());
        UsageFixture.Key a = f.mint(c);
        f.chat(a, "gpt-4o-mini", "one two");

        c.keyEnded(a.job().id(), f.time.instant());
        f.time.advance(Duration.ofMinutes(5));
        UsageJob first = c.step(a.job().id()).orElseThrow();
        assertThat(first.state()).isEqualTo(UsageJob.State.COLLECTING);
        assertThat(first.figures()).isEmpty();

        UsageJob done = f.finish(c, a.job().id());
        assertThat(done.state()).isEqualTo(UsageJob.State.FINAL);
        assertThat(done.figures()).containsExactly(new ModelUsage("gpt-4o-mini", 1, 2, 0, 9));
        assertThat(done.reads()).isEqualTo(3);
    }

    @Test
    void nestedBlocksKeepTheirKeysApart() {
        UsageCollector c = f.collector(new InMemoryUsageStore());
        UsageFixture.Key outer = f.mint(c);
        f.chat(outer, "gpt-4o-mini", "outer before");
        UsageFixture.Key inner = f.mint(c);
        f.chat(inner, "gpt-4o-mini", "inner only call");
        f.chat(outer, "gpt-4o-mini", "outer during inner");
        UsageJob innerDone = f.collect(c, inner);
        f.chat(outer, "gpt-4o", "outer after");
        UsageJob outerDone = f.collect(c, outer);

        assertThat(innerDone.figures()).containsExactly(new ModelUsage("gpt-4o-mini", 1, 3, 0, 9));
        assertThat(outerDone.figures()).containsExactly(new ModelUsage("gpt-4o", 1, 2, 0, 9),
                new ModelUsage("gpt-4o-mini", 2, 5, 0, 18));
    }

    @Test
    void aKeyRevokedMidBodyCountsWhatItDidBefore() {
        UsageCollector c = f.collector(new InMemoryUsageStore());
        UsageFixture.Key a = f.mint(c);
        assertThat(f.chat(a, "gpt-4o-mini", "before the revoke")).isEqualTo(200);
        f.revoke(a); // its TTL ended while the body still ran
        assertThat(f.chat(a, "gpt-4o-mini", "after the revoke")).isEqualTo(401);
        f.time.advance(Duration.ofMinutes(2));

        UsageJob done = f.collect(c, a);

        assertThat(done.figures()).containsExactly(new ModelUsage("gpt-4o-mini", 1, 3, 0, 9));
    }

    @Test
    void aRestartWhileCollectingResumesFromTheFiles(@TempDir Path dir) {
        UsageCollector before = f.collector(new FileUsageStore(dir));
        UsageFixture.Key a = f.mint(before);
        f.chat(a, "gpt-4o-mini", "one two three four");
        before.keyEnded(a.job().id(), f.time.instant());
        f.time.advance(Duration.ofMinutes(5));
        UsageJob oneRead = before.step(a.job().id()).orElseThrow();
        assertThat(oneRead.reads()).isEqualTo(1);
        assertThat(oneRead.state()).isEqualTo(UsageJob.State.COLLECTING);

        // a new controller: new store and collector over the same directory
        UsageCollector after = f.collector(new FileUsageStore(dir));
        assertThat(after.jobs()).extracting(UsageJob::id).containsExactly(a.job().id());
        UsageJob done = f.finish(after, a.job().id());

        assertThat(done.state()).isEqualTo(UsageJob.State.FINAL);
        assertThat(done.reads()).isEqualTo(2);
        assertThat(done.figures()).containsExactly(new ModelUsage("gpt-4o-mini", 1, 4, 0, 9));
        after.forget(a.job().id());
        assertThat(new FileUsageStore(dir).all()).isEmpty();
    }

    @Test
    void aFailingUsageEndpointIsAskedAgainLaterAndRecovers() {
        UsageCollector c = f.collector(new InMemoryUsageStore());
        UsageFixture.Key a = f.mint(c);
        f.chat(a, "gpt-4o-mini", "x y");
        f.openai.inject(Endpoint.USAGE, Fault.status(429).times(3)); // outlasts the client's 3 attempts
        c.keyEnded(a.job().id(), f.time.instant());
        f.time.advance(Duration.ofMinutes(5));

        UsageJob failed = c.step(a.job().id()).orElseThrow();
        assertThat(failed.state()).isEqualTo(UsageJob.State.COLLECTING);
        assertThat(failed.failures()).isEqualTo(1);
        assertThat(failed.message()).contains("429").doesNotContain(f.org.adminKey().reveal());

        f.openai.inject(Endpoint.USAGE, Fault.status(503).times(3));
        f.time.advance(Duration.ofMinutes(5));
        assertThat(c.step(a.job().id()).orElseThrow().message()).contains("503");

        UsageJob done = f.finish(c, a.job().id());
        assertThat(done.state()).isEqualTo(UsageJob.State.FINAL);
        assertThat(done.message()).isNull();
        assertThat(done.figures()).containsExactly(new ModelUsage("gpt-4o-mini", 1, 2, 0, 9));
    }

    @Test
    void aFewTransientFailuresAreRetriedWithinOneRead() {
        UsageCollector c = f.collector(new InMemoryUsageStore());
        UsageFixture.Key a = f.mint(c);
        f.chat(a, "gpt-4o-mini", "x y");
        f.openai.inject(Endpoint.USAGE, Fault.status(500).times(2));

        UsageJob done = f.collect(c, a);

        assertThat(done.failures()).isZero();
        assertThat(done.figures()).containsExactly(new ModelUsage("gpt-4o-mini", 1, 2, 0, 9));
    }

    @Test
    void aKeyThatUsedNothingEndsWithNoFigures() {
        UsageCollector c = f.collector(new InMemoryUsageStore());
        UsageFixture.Key a = f.mint(c);

        UsageJob done = f.collect(c, a);

        assertThat(done.state()).isEqualTo(UsageJob.State.FINAL);
        assertThat(done.figures()).isEmpty();
        assertThat(done.reads()).isEqualTo(2);
    }

    @Test
    void anOrganizationWithoutUsageAccessSaysWhyAndIsNotAskedAgain() {
        f.openai.denyUsage(f.org, true);
        UsageCollector c = f.collector(new InMemoryUsageStore());
        UsageFixture.Key a = f.mint(c);
        f.chat(a, "gpt-4o-mini", "x");
        f.openai.resetCallLog();

        UsageJob done = f.collect(c, a);

        assertThat(done.state()).isEqualTo(UsageJob.State.NOT_AVAILABLE);
        assertThat(done.message()).contains("403").contains("acme").contains(a.keyId())
                .contains("read access to usage").doesNotContain(f.org.adminKey().reveal());
        assertThat(f.openai.calls(Endpoint.USAGE)).as("a refusal is not retried").isEqualTo(1);
    }

    @Test
    void usageOffForTheOrganizationIsNotAvailable() {
        UsageCollector c = new UsageCollector(new InMemoryUsageStore(), org -> {
            throw new UsageNotAvailableException("Usage is off for organization '" + org + "'.");
        }, UsagePolicy.DEFAULT, f.time);
        UsageFixture.Key a = f.mint(c);

        UsageJob done = f.collect(c, a);

        assertThat(done.state()).isEqualTo(UsageJob.State.NOT_AVAILABLE);
        assertThat(done.message()).isEqualTo("Usage is off for organization 'acme'.");
    }

    @Test
    void aKeyWithoutIdIsNotAvailableAtOnce() {
        UsageCollector c = f.collector(new InMemoryUsageStore());
        UsageJob noId = c.keyStarted(UsageJob.started("h1", "acme", null, null, "job", "1", f.time.instant()));

        UsageJob ended = c.keyEnded(noId.id(), f.time.instant()).orElseThrow();

        assertThat(ended.state()).isEqualTo(UsageJob.State.NOT_AVAILABLE);
        assertThat(ended.message()).contains("did not report the key's id");
    }

    @Test
    void anOutageOfADayGivesUp() {
        UsageCollector c = f.collector(new InMemoryUsageStore());
        UsageFixture.Key a = f.mint(c);
        f.openai.inject(Endpoint.USAGE, Fault.status(503).times(100_000));

        UsageJob done = f.collect(c, a);

        assertThat(done.state()).isEqualTo(UsageJob.State.NOT_AVAILABLE);
        assertThat(done.message()).startsWith("OpenAI's usage API kept failing for a day").contains("503");
    }

    @Test
    void notDueAndUnknownJobsAreLeftAlone() {
        UsageCollector c = f.collector(new InMemoryUsageStore());
        UsageFixture.Key a = f.mint(c);
        assertThat(c.step(a.job().id()).orElseThrow().state()).as("still in use").isEqualTo(UsageJob.State.IN_USE);
        c.keyEnded(a.job().id(), f.time.instant());
        f.openai.resetCallLog();

        assertThat(c.step(a.job().id()).orElseThrow().reads()).isZero();
        assertThat(f.openai.calls(Endpoint.USAGE)).isZero();
        assertThat(c.step("unknown")).isEmpty();
        assertThat(c.keyEnded(a.job().id(), f.time.instant().plusSeconds(60)).orElseThrow().endedAt())
                .as("the first end counts").isEqualTo(f.time.instant());
    }

    @Test
    void onlyTheTokenKindsAreAsked() {
        assertThat(UsageClient.TOKEN_KINDS).isEqualTo(List.of("completions", "embeddings"));
    }
}
