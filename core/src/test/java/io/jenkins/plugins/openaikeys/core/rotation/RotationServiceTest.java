package io.jenkins.plugins.openaikeys.core.rotation;

import io.jenkins.plugins.openaikeys.core.rotation.RotationResult.Outcome;
import io.jenkins.plugins.openaikeys.core.testing.FakeTime;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RotationServiceTest {

    private final FakeTime time = new FakeTime(Instant.parse("2026-11-22T12:00:00Z"));

    /** A rotator whose Vault state and outcomes the test scripts. */
    private final class Scripted implements Rotator {
        final String name;
        Instant lastRotated;
        List<String> pending = List.of();
        RuntimeException statusFailure;
        final Deque<Outcome> outcomes = new ArrayDeque<>();
        int rotations;
        boolean throwOnRotate;
        int cleanups;

        Scripted(String name, Instant lastRotated) {
            this.name = name;
            this.lastRotated = lastRotated;
        }

        @Override
        public String organization() {
            return name;
        }

        @Override
        public RotationStatus status() {
            if (statusFailure != null) {
                throw statusFailure;
            }
            return new RotationStatus(lastRotated, pending);
        }

        @Override
        public RotationResult rotate() {
            rotations++;
            if (throwOnRotate) {
                throw new IllegalStateException("boom");
            }
            Outcome o = outcomes.isEmpty() ? Outcome.ROTATED : outcomes.poll();
            return new RotationResult(name, o, "key_old", "key_new", time.instant(), o.name());
        }

        @Override
        public RotationResult deletePending() {
            cleanups++;
            pending = List.of();
            return new RotationResult(name, Outcome.CLEANED_UP, null, null, time.instant(), "cleaned");
        }
    }

    @Test
    void rotatesOnlyWhatIsDue() {
        Scripted fresh = new Scripted("fresh", time.instant().minus(Duration.ofDays(1)));
        Scripted stale = new Scripted("stale", time.instant().minus(Duration.ofDays(31)));
        Scripted never = new Scripted("never", null);
        RotationService service = new RotationService(RotationSchedule.parse("30d", null), time);

        List<RotationResult> results = service.runDue(List.of(fresh, stale, never));

        assertThat(results).extracting(RotationResult::organization).containsExactly("fresh", "stale", "never");
        assertThat(results).extracting(RotationResult::outcome)
                .containsExactly(Outcome.NOT_DUE, Outcome.ROTATED, Outcome.ROTATED);
        assertThat(results.get(0).message()).isEqualTo("The admin key of organization 'fresh' is next due at"
                + " 2026-12-21T12:00:00Z (last rotated 2026-11-21T12:00:00Z)");
        assertThat(fresh.rotations).isZero();
    }

    @Test
    void windowHoldsADueRotationBack() {
        Scripted never = new Scripted("never", null);
        RotationService service = new RotationService(RotationSchedule.parse("30d", "02:00-04:00"), time);
        assertThat(service.runDue(List.of(never))).singleElement().satisfies(r -> {
            assertThat(r.outcome()).isEqualTo(Outcome.NOT_DUE);
            assertThat(r.message()).contains("next due at 2026-11-23T02:00:00Z");
        });
        time.advance(Duration.ofHours(14));
        assertThat(service.runDue(List.of(never))).extracting(RotationResult::outcome).containsExactly(Outcome.ROTATED);
    }

    @Test
    void oneOrganizationsFailureDoesNotStopTheOthers() {
        Scripted broken = new Scripted("broken", null);
        broken.statusFailure = new RotationException("Vault is sealed: unseal it");
        Scripted buggy = new Scripted("buggy", null);
        buggy.throwOnRotate = true;
        Scripted fine = new Scripted("fine", null);
        RotationService service = new RotationService(RotationSchedule.parse("30d", null), time);

        List<RotationResult> results = service.runDue(List.of(broken, buggy, fine));

        assertThat(results).extracting(RotationResult::outcome)
                .containsExactly(Outcome.FAILED, Outcome.FAILED, Outcome.ROTATED);
        assertThat(results.get(0).message()).isEqualTo("Could not read the rotation state of organization 'broken'"
                + " (Vault is sealed: unseal it): the next run tries again");
        assertThat(results.get(1).message())
                .isEqualTo("Rotation of organization 'buggy' failed unexpectedly (IllegalStateException)")
                .doesNotContain("boom");
    }

    @Test
    void aFailedRotationWaitsBeforeTryingAgain() {
        Scripted org = new Scripted("main", null);
        org.outcomes.add(Outcome.FAILED);
        RotationService service = new RotationService(RotationSchedule.parse("30d", null), time, Duration.ofHours(1));

        assertThat(service.runDue(List.of(org))).extracting(RotationResult::outcome).containsExactly(Outcome.FAILED);
        time.advance(Duration.ofMinutes(15));
        assertThat(service.runDue(List.of(org))).singleElement().satisfies(r -> {
            assertThat(r.outcome()).isEqualTo(Outcome.NOT_DUE);
            assertThat(r.message()).contains("next due at 2026-11-22T13:00:00Z");
        });
        assertThat(service.lastResults().get("main").outcome()).isEqualTo(Outcome.FAILED); // still shown
        time.advance(Duration.ofMinutes(45));
        assertThat(service.runDue(List.of(org))).extracting(RotationResult::outcome).containsExactly(Outcome.ROTATED);
        assertThat(org.rotations).isEqualTo(2);
        assertThat(service.lastResults().get("main").outcome()).isEqualTo(Outcome.ROTATED);
    }

    @Test
    void aRotationDoneHereCountsEvenIfVaultDidNotRecordIt() {
        Scripted org = new Scripted("main", null); // last_rotated never gets written
        RotationService service = new RotationService(RotationSchedule.parse("30d", null), time);
        service.runDue(List.of(org));
        time.advance(Duration.ofMinutes(15));
        assertThat(service.runDue(List.of(org))).extracting(RotationResult::outcome).containsExactly(Outcome.NOT_DUE);
        assertThat(org.rotations).isEqualTo(1);
    }

    @Test
    void pendingDeletionsAreFinishedWhenNotDue() {
        Scripted org = new Scripted("main", time.instant());
        org.pending = List.of("key_old");
        RotationService service = new RotationService(RotationSchedule.parse("30d", null), time);
        assertThat(service.runDue(List.of(org))).extracting(RotationResult::outcome)
                .containsExactly(Outcome.CLEANED_UP);
        assertThat(service.runDue(List.of(org))).extracting(RotationResult::outcome).containsExactly(Outcome.NOT_DUE);
        assertThat(org.cleanups).isEqualTo(1);
        assertThat(org.rotations).isZero();
    }

    @Test
    void rotateNowIgnoresTheSchedule() {
        Scripted org = new Scripted("main", time.instant());
        RotationService service = new RotationService(RotationSchedule.parse("30d", null), time);
        assertThat(service.rotateNow(org).outcome()).isEqualTo(Outcome.ROTATED);
        assertThat(org.rotations).isEqualTo(1);
        assertThat(service.lastResults()).containsOnlyKeys("main");
    }
}
