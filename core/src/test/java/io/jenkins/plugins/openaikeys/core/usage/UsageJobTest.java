package io.jenkins.plugins.openaikeys.core.usage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The persisted form of a usage job, and the window it asks about. */
class UsageJobTest {

    private static final Instant T = Instant.parse("2026-11-22T12:00:30Z");

    @Test
    void aJobSurvivesItsLine() {
        UsageJob job = UsageJob.started("h-1", "acme", "proj_1", "key_1", "folder/my job", "42", T)
                .ended(T.plusSeconds(90), T.plusSeconds(390))
                .read(List.of(new ModelUsage("gpt-4o-mini", 2, 10, 5, 18), new ModelUsage("a;b,c&d=e", 1, 1, 0, 0)),
                        T.plusSeconds(690))
                .failed("OpenAI kept answering 429 & more", T.plusSeconds(990));

        UsageJob back = UsageJob.fromLine(job.toLine());

        assertThat(back).isEqualTo(job);
        assertThat(job.toLine()).doesNotContain("\n");
    }

    @Test
    void aJobWithoutFiguresKeepsNull() {
        UsageJob job = UsageJob.started("h-2", "acme", null, "key_1", "j", "1", T);
        assertThat(UsageJob.fromLine(job.toLine())).isEqualTo(job);
        assertThat(UsageJob.fromLine(job.finished(List.of(), null).toLine()).figures()).isEmpty();
    }

    @Test
    void damagedLinesSaySo() {
        assertThatThrownBy(() -> UsageJob.fromLine("v=2&id=x")).hasMessageContaining("format '2'");
        assertThatThrownBy(() -> UsageJob.fromLine("v=1&id=x&state=NOPE")).hasMessageContaining("damaged");
        assertThatThrownBy(() -> UsageJob.fromLine("garbage")).hasMessageContaining("malformed");
    }

    @Test
    void theFileStoreSkipsADamagedFile(@TempDir Path dir) throws Exception {
        FileUsageStore store = new FileUsageStore(dir);
        UsageJob job = UsageJob.started("h-3", "acme", null, "key_1", "j", "1", T);
        store.put(job);
        Files.writeString(dir.resolve("broken.usage"), "v=1&id=broken");

        assertThat(store.all()).containsExactly(job);
        assertThat(store.get("h-3")).contains(job);
        store.remove("h-3");
        assertThat(store.get("h-3")).isEmpty();
        assertThatThrownBy(() -> store.get("../x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theWindowIsTheKeysLifeWithMarginInWholeMinutes() {
        UsageWindow w = UsageWindow.of(Instant.parse("2026-11-22T12:00:30Z"), Instant.parse("2026-11-22T12:03:10Z"),
                Duration.ofMinutes(1));
        assertThat(w.from()).isEqualTo(Instant.parse("2026-11-22T11:59:00Z"));
        assertThat(w.to()).isEqualTo(Instant.parse("2026-11-22T12:05:00Z"));
        UsageWindow exact = UsageWindow.of(Instant.parse("2026-11-22T12:00:00Z"),
                Instant.parse("2026-11-22T12:00:00Z"), Duration.ZERO);
        assertThat(exact.to()).isEqualTo(Instant.parse("2026-11-22T12:01:00Z"));
    }

    @Test
    void figuresAddUpPerModelOnly() {
        ModelUsage a = new ModelUsage("m", 1, 2, 1, 3);
        assertThat(a.plus(a)).isEqualTo(new ModelUsage("m", 2, 4, 2, 6));
        assertThat(a.totalTokens()).isEqualTo(5);
        assertThatThrownBy(() -> a.plus(new ModelUsage("n", 1, 1, 1, 1))).isInstanceOf(IllegalArgumentException.class);
        assertThat(new ModelUsage(null, 0, 0, 0, 0).model()).isEqualTo(ModelUsage.UNKNOWN_MODEL);
    }
}
