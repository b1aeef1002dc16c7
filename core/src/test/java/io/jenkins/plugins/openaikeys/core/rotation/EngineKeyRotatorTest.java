package io.jenkins.plugins.openaikeys.core.rotation;

import io.jenkins.plugins.openaikeys.core.openai.fake.Endpoint;
import io.jenkins.plugins.openaikeys.core.openai.fake.Fault;
import io.jenkins.plugins.openaikeys.core.rotation.RotationResult.Outcome;
import io.jenkins.plugins.openaikeys.core.testing.LogCapture;
import io.jenkins.plugins.openaikeys.core.vault.fake.FakeOpenAiEngineMount;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class EngineKeyRotatorTest {

    private static final String ROTATE = "POST openai/config/rotate";

    private final RotationFakes f = new RotationFakes();
    private final FakeOpenAiEngineMount engine = f.kv().enableOpenAiEngine("openai", f.openai.baseUrl(),
            f.org.adminKey(), f.org.adminKeyId(), f.org.id());
    private final LogCapture logs = LogCapture.plugin();
    private final EngineKeyRotator rotator = new EngineKeyRotator("vaulted", f.proxiedClient(), "openai", f.time,
            new InMemoryRotationRecord());

    @AfterEach
    void close() {
        try {
            assertThat(logs.allText()).doesNotContain("T3BlbkFJ").doesNotContain(f.org.adminKey().reveal());
        } finally {
            logs.close();
            f.close();
        }
    }

    @Test
    void rotatesThroughTheEngineAndReadsLastRotated() {
        engine.rotationPeriod(Duration.ofDays(30)); // only then does the engine report last_rotated
        assertThat(rotator.status()).isEqualTo(new RotationStatus(null, List.of()));
        String oldId = f.org.adminKeyId();

        RotationResult r = rotator.rotate();

        assertThat(r.outcome()).isEqualTo(Outcome.ROTATED);
        assertThat(r.oldKeyId()).isEqualTo(oldId);
        assertThat(r.newKeyId()).isEqualTo(engine.adminKeyId()).isNotEqualTo(oldId);
        assertThat(r.message()).isEqualTo("Vault's OpenAI engine openai rotated the admin key of organization"
                + " 'vaulted' from " + oldId + " to " + r.newKeyId());
        assertThat(f.liveAdminKeyIds()).containsExactly(r.newKeyId());
        assertThat(rotator.status().lastRotatedOrNull()).isEqualTo(f.time.instant());
        assertThat(f.vault.calls(ROTATE)).isEqualTo(1);
        assertThat(rotator.deletePending().outcome()).isEqualTo(Outcome.NOT_DUE);
    }

    @Test
    void engineRefusalIsAFailureAndNothingChanged() {
        f.vault.failNext(ROTATE, 1, 400);
        RotationResult r = rotator.rotate();
        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.message()).startsWith("Vault's OpenAI engine openai did not rotate the admin key of organization"
                + " 'vaulted' (").endsWith("): nothing was changed");
        assertThat(engine.adminKeyId()).isEqualTo(f.org.adminKeyId());
    }

    @Test
    void engineErrorIsNotReplayedAndReportedAsUnknown() {
        f.openai.inject(Endpoint.CREATE_ADMIN_KEY, Fault.status(500));
        RotationResult r = rotator.rotate();
        assertThat(r.outcome()).isEqualTo(Outcome.UNKNOWN);
        assertThat(r.message()).startsWith("Rotating the admin key of organization 'vaulted' through Vault's OpenAI"
                + " engine openai failed without a clear answer (").endsWith("): outcome unknown, check openai/config");
        assertThat(f.vault.calls(ROTATE)).isEqualTo(1);
        assertThat(f.liveAdminKeyIds()).containsExactly(f.org.adminKeyId());
    }

    @Test
    void lostAnswerConfirmedByTheConfig() {
        f.proxy.dropAfterNext(ROTATE);
        RotationResult r = rotator.rotate();
        assertThat(r.outcome()).isEqualTo(Outcome.ROTATED);
        assertThat(r.newKeyId()).isEqualTo(engine.adminKeyId());
        assertThat(r.message()).endsWith("(the answer was lost, openai/config confirms it)");
        assertThat(f.vault.calls(ROTATE)).isEqualTo(1);
    }

    @Test
    void lostAnswerWithoutWorkIsUnknown() {
        f.vault.dropNext(ROTATE, 1);
        RotationResult r = rotator.rotate();
        assertThat(r.outcome()).isEqualTo(Outcome.UNKNOWN);
        assertThat(r.message()).endsWith("outcome unknown, check openai/config");
        assertThat(f.vault.calls(ROTATE)).isEqualTo(1);
    }

    @Test
    void anErrorAfterTheEngineRotatedIsARotationWithALeftoverNamingTheOldKey() {
        String oldId = f.org.adminKeyId();
        f.openai.inject(Endpoint.DELETE_ADMIN_KEY, Fault.status(500));

        RotationResult r = rotator.rotate();

        assertThat(r.outcome()).isEqualTo(Outcome.ROTATED_WITH_LEFTOVER);
        assertThat(r.outcome().needsAttention()).isTrue();
        assertThat(r.outcome().keyChanged()).isTrue();
        assertThat(r.oldKeyId()).isEqualTo(oldId);
        assertThat(r.newKeyId()).isEqualTo(engine.adminKeyId());
        assertThat(r.message()).contains("the old admin key " + oldId + " may still be live, delete it in OpenAI");
        assertThat(f.liveAdminKeyIds()).contains(oldId, r.newKeyId());
        assertThat(f.vault.calls(ROTATE)).isEqualTo(1);
    }

    @Test
    void restartsDoNotRotateAgainWhenTheEngineHasNoRotationPeriod(@TempDir Path home) {
        RotationRecord file = new FileRotationRecord(home.resolve("openai-ephemeral-keys/rotation.properties"));
        RotationSchedule every30Days = RotationSchedule.parse("30d", null);
        for (int restart = 0; restart < 3; restart++) {
            // a new controller process: new rotator and service, the same JENKINS_HOME
            EngineKeyRotator afterRestart = new EngineKeyRotator("vaulted", f.proxiedClient(), "openai", f.time, file);
            new RotationService(every30Days, f.time).runDue(List.of(afterRestart));
            f.time.advance(Duration.ofDays(1));
        }
        assertThat(f.vault.calls(ROTATE)).isEqualTo(1);
        f.time.advance(Duration.ofDays(28));
        new RotationService(every30Days, f.time).runDue(List.of(
                new EngineKeyRotator("vaulted", f.proxiedClient(), "openai", f.time, file)));
        assertThat(f.vault.calls(ROTATE)).isEqualTo(2);
    }

    @Test
    void aRotationByAnotherControllerCountsFromWhenItIsSeen() {
        RotationRecord shared = new InMemoryRotationRecord();
        EngineKeyRotator here = new EngineKeyRotator("vaulted", f.proxiedClient(), "openai", f.time, shared);
        assertThat(here.rotate().outcome()).isEqualTo(Outcome.ROTATED);
        f.time.advance(Duration.ofDays(10));
        f.proxiedClient().rotateEngineAdminKey("openai"); // another controller, or a person

        assertThat(here.status().lastRotatedOrNull()).isEqualTo(f.time.instant());
        assertThat(shared.read("vaulted").orElseThrow().adminKeyId()).isEqualTo(engine.adminKeyId());
    }

    @Test
    void fileRecordRoundTripsAndToleratesDamage(@TempDir Path home) throws Exception {
        Path path = home.resolve("rotation.properties");
        FileRotationRecord rec = new FileRotationRecord(path);
        assertThat(rec.read("org a")).isEmpty();
        rec.write("org a", new RotationRecord.Entry(Instant.parse("2026-01-02T03:04:05Z"), "key_1"));
        rec.write("b", new RotationRecord.Entry(Instant.parse("2026-02-02T03:04:05Z"), null));
        assertThat(new FileRotationRecord(path).read("org a")).contains(
                new RotationRecord.Entry(Instant.parse("2026-01-02T03:04:05Z"), "key_1"));
        assertThat(new FileRotationRecord(path).read("b").orElseThrow().adminKeyId()).isNull();
        java.nio.file.Files.writeString(path, "b.lastRotated=yesterday\n");
        assertThat(rec.read("b")).isEmpty();
    }

    @Test
    void lastRotatedForms() {
        Map<String, Object> c = new HashMap<>();
        assertThat(EngineKeyRotator.lastRotated(c)).isNull();
        c.put("last_rotated", "");
        assertThat(EngineKeyRotator.lastRotated(c)).isNull();
        c.put("last_rotated", "0001-01-01T00:00:00Z");
        assertThat(EngineKeyRotator.lastRotated(c)).isNull();
        c.put("last_rotated", "2026-11-01T10:15:30.123456789+01:00");
        assertThat(EngineKeyRotator.lastRotated(c)).isEqualTo(Instant.parse("2026-11-01T09:15:30.123456789Z"));
        c.put("last_rotated", 1_700_000_000L);
        assertThat(EngineKeyRotator.lastRotated(c)).isEqualTo(Instant.ofEpochSecond(1_700_000_000L));
        c.put("last_rotated", "yesterday");
        assertThat(EngineKeyRotator.lastRotated(c)).isNull();
    }

    @Test
    void serviceRotatesTheEngineOnlyWhenDue() {
        RotationService service = new RotationService(RotationSchedule.parse("7d", null), f.time);
        assertThat(service.runDue(List.of(rotator))).extracting(RotationResult::outcome).containsExactly(Outcome.ROTATED);
        f.time.advance(Duration.ofDays(6));
        assertThat(service.runDue(List.of(rotator))).extracting(RotationResult::outcome).containsExactly(Outcome.NOT_DUE);
        f.time.advance(Duration.ofDays(1));
        assertThat(service.runDue(List.of(rotator))).extracting(RotationResult::outcome).containsExactly(Outcome.ROTATED);
        assertThat(f.vault.calls(ROTATE)).isEqualTo(2);
    }
}
