package io.jenkins.plugins.openaikeys.core.rotation;

import io.jenkins.plugins.openaikeys.core.SecretString;
import io.jenkins.plugins.openaikeys.core.broker.MintedKey;
import io.jenkins.plugins.openaikeys.core.http.ClientSettings;
import io.jenkins.plugins.openaikeys.core.openai.OpenAiException;
import io.jenkins.plugins.openaikeys.core.openai.fake.Call;
import io.jenkins.plugins.openaikeys.core.openai.fake.Endpoint;
import io.jenkins.plugins.openaikeys.core.openai.fake.Fault;
import io.jenkins.plugins.openaikeys.core.rotation.RotationResult.Outcome;
import io.jenkins.plugins.openaikeys.core.source.AdminApiKeySource;
import io.jenkins.plugins.openaikeys.core.source.AdminConfig;
import io.jenkins.plugins.openaikeys.core.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AdminKeyRotatorTest {

    /** Every fake admin key value has this shape; ids (key_…) and redacted values (sk-admin...xyz) do not. */
    private static final Pattern ADMIN_KEY_VALUE = Pattern.compile("sk-admin-[A-Za-z0-9_-]{8}|T3BlbkFJ");

    private final RotationFakes f = new RotationFakes();
    private final LogCapture logs = LogCapture.plugin();
    private final List<Object> printed = new ArrayList<>();

    @AfterEach
    void noKeyValueAnywhere() {
        try {
            StringBuilder all = new StringBuilder(logs.allText());
            for (Object o : printed) {
                all.append(o).append('\n');
            }
            assertThat(ADMIN_KEY_VALUE.matcher(all).find()).as("a key value in:\n%s", all).isFalse();
            assertThat(all).doesNotContain(f.org.adminKey().reveal());
        } finally {
            logs.close();
            f.close();
        }
    }

    private RotationResult rotate(AdminKeyRotator r) {
        RotationResult result = r.rotate();
        printed.add(result);
        printed.add(r);
        return result;
    }

    @Test
    void happyPathStoresTheNewKeyDeletesTheOldAndTheBrokerFollows() {
        AdminApiKeySource broker = f.adminSource(f.directClient());
        MintedKey before = f.mint(broker, "before-rotation");
        assertThat(f.openai.isLiveKey(before.value())).isTrue();
        String oldId = f.org.adminKeyId();
        SecretString oldKey = f.org.adminKey();

        AdminKeyRotator rotator = f.rotator(f.proxiedClient()).afterKeyChange(broker.adminConfig()::invalidate).build();
        RotationResult r = rotate(rotator);

        assertThat(r.outcome()).isEqualTo(Outcome.ROTATED);
        assertThat(r.oldKeyId()).isEqualTo(oldId);
        assertThat(r.newKeyId()).startsWith("key_").isNotEqualTo(oldId);
        assertThat(r.at()).isEqualTo(f.time.instant());
        assertThat(r.message()).isEqualTo("Rotated the admin key of organization 'main' from " + oldId + " to "
                + r.newKeyId());
        // stored at version 2, every other field kept
        assertThat(f.kv().kvVersion(RotationFakes.MOUNT, RotationFakes.PATH)).isEqualTo(2);
        Map<String, String> data = f.kv().kvData(RotationFakes.MOUNT, RotationFakes.PATH);
        assertThat(data).containsEntry(AdminConfig.ADMIN_API_KEY_ID, r.newKeyId())
                .containsEntry(AdminConfig.ORGANIZATION_ID, f.org.id())
                .containsEntry(AdminConfig.API_ENDPOINT, f.openai.baseUrl())
                .containsEntry("owner", "platform-team");
        assertThat(f.org.liveAdminKeys()).singleElement().satisfies(k -> {
            assertThat(k.id()).isEqualTo(r.newKeyId());
            assertThat(k.value()).isEqualTo(f.storedKey());
            assertThat(k.name()).startsWith(AdminKeyRotator.NAME_PREFIX);
            assertThat(k.expiresAt()).as("never a key that lives forever")
                    .isEqualTo(f.time.instant().plus(AdminKeyLifetime.MAX).getEpochSecond());
        });
        assertThat(f.metadata()).containsEntry("last_rotated", f.time.instant().toString())
                .doesNotContainKey("pending_delete_admin_key_id");
        assertThat(rotator.status()).isEqualTo(new RotationStatus(f.time.instant(), List.of()));
        assertThat(f.keyChanges.get()).isZero(); // this test's hook is the broker's cache

        // the old key is dead, the broker mints with the new one without tripping over a 401
        assertThatThrownBy(() -> f.openAiWith(oldKey).listAdminKeys()).isInstanceOf(OpenAiException.class)
                .satisfies(e -> assertThat(((OpenAiException) e).status()).isEqualTo(401));
        f.openai.resetCallLog();
        MintedKey after = f.mint(broker, "after-rotation");
        assertThat(f.openai.isLiveKey(after.value())).isTrue();
        assertThat(f.openai.callLog()).extracting(Call::status).containsOnly(200);
        assertThat(f.openai.calls(Endpoint.CREATE_SERVICE_ACCOUNT)).isEqualTo(1);
        printed.add(before);
        printed.add(after.toString());
    }

    @Test
    void newAdminKeysExpireAfterTheNextRotationPlusTheMargin() {
        RotationSchedule monthly = RotationSchedule.parse("30d", "02:00-04:00");
        AdminKeyRotator rotator = f.rotator(f.proxiedClient())
                .keyLifetime(AdminKeyLifetime.forSchedule(monthly, Duration.ofDays(7))).build();

        RotationResult r = rotate(rotator);

        assertThat(f.org.liveAdminKeys()).singleElement().satisfies(k -> assertThat(k.expiresAt())
                .isEqualTo(f.time.instant().plus(Duration.ofDays(30 + 1 + 7)).getEpochSecond()));
        assertThat(r.outcome()).isEqualTo(Outcome.ROTATED);
    }

    @Test
    void adminKeyLifetimeStaysWithinOpenAisLimits() {
        assertThat(AdminKeyLifetime.forSchedule(RotationSchedule.parse("360d", null), Duration.ofDays(7)).value())
                .isEqualTo(AdminKeyLifetime.MAX);
        assertThat(AdminKeyLifetime.forSchedule(RotationSchedule.parse("7d", null), Duration.ZERO).value())
                .isEqualTo(Duration.ofDays(7));
        assertThatThrownBy(() -> AdminKeyLifetime.forSchedule(RotationSchedule.parse("7d", null), Duration.ofDays(-1)))
                .isInstanceOf(RotationException.class).hasMessageContaining("must not be negative");
        assertThatThrownBy(() -> new AdminKeyLifetime(Duration.ofDays(366))).isInstanceOf(RotationException.class)
                .hasMessageContaining("between 1 second and 365 days");
    }

    @Test
    void withoutTheHookTheBrokerStillRecoversThroughItsRetryOn401() {
        AdminApiKeySource broker = f.adminSource(f.directClient());
        f.mint(broker, "warm-the-cache");
        assertThat(rotate(f.rotator(f.proxiedClient()).build()).outcome()).isEqualTo(Outcome.ROTATED);
        f.openai.resetCallLog();
        assertThat(f.openai.isLiveKey(f.mint(broker, "after").value())).isTrue();
        assertThat(f.openai.callLog()).extracting(Call::status).containsExactly(401, 200);
    }

    @Test
    void casConflictAnotherControllerWinsAndOurKeyIsDeleted() {
        AdminKeyRotator other = f.rotator(f.directClient()).build();
        List<RotationResult> winner = new ArrayList<>();
        f.proxy.beforeNext(RotationFakes.KV_WRITE, () -> winner.add(other.rotate()));

        RotationResult r = rotate(f.rotator(f.proxiedClient()).build());

        assertThat(winner).singleElement().extracting(RotationResult::outcome).isEqualTo(Outcome.ROTATED);
        String winnerId = winner.get(0).newKeyId();
        assertThat(r.outcome()).isEqualTo(Outcome.ROTATED_ELSEWHERE);
        assertThat(r.outcome().needsAttention()).isFalse();
        assertThat(r.newKeyId()).isEqualTo(winnerId);
        assertThat(r.message()).startsWith("The admin key of organization 'main' was rotated by someone else (now "
                + winnerId + "); admin key key_").endsWith(" created here was deleted");
        assertThat(f.liveAdminKeyIds()).containsExactly(winnerId);
        assertThat(f.storedKeyId()).isEqualTo(winnerId);
        assertThat(f.kv().kvVersion(RotationFakes.MOUNT, RotationFakes.PATH)).isEqualTo(2);
        assertThat(f.keyChanges.get()).isEqualTo(2); // the winner's hook and ours
        assertThat(f.metadata()).doesNotContainKey("pending_delete_admin_key_id");
        printed.add(winner);
    }

    @Test
    void twoControllersAtOnceEndWithOneWorkingKey() throws Exception {
        AdminKeyRotator a = f.rotator(f.proxiedClient()).build();
        AdminKeyRotator b = f.rotator(f.directClient()).build();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 3; round++) {
                java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                java.util.concurrent.Future<RotationResult> ra = pool.submit(() -> {
                    go.await();
                    return a.rotate();
                });
                java.util.concurrent.Future<RotationResult> rb = pool.submit(() -> {
                    go.await();
                    return b.rotate();
                });
                go.countDown();
                List<RotationResult> both = List.of(ra.get(), rb.get());
                printed.add(both);
                assertThat(both).extracting(RotationResult::outcome).as("round %d", round)
                        .containsAnyOf(Outcome.ROTATED).doesNotContain(Outcome.UNKNOWN, Outcome.ROTATED_WITH_WARNING);
                assertThat(f.liveAdminKeyIds()).as("round %d", round).containsExactly(f.storedKeyId());
                assertThat(f.metadata()).doesNotContainKey("pending_delete_admin_key_id");
                f.openAiWith(f.storedKey()).listAdminKeys(); // the stored key works
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void newKeyThatDoesNotWorkIsDeletedAndNothingChanges() {
        f.openai.inject(Endpoint.LIST_ADMIN_KEYS, Fault.status(403));

        RotationResult r = rotate(f.rotator(f.proxiedClient()).build());

        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.message()).startsWith("New admin key key_").contains(" did not work (")
                .endsWith("so admin key " + f.org.adminKeyId() + " stays in use; the new key was deleted again");
        assertThat(f.liveAdminKeyIds()).containsExactly(f.org.adminKeyId());
        assertThat(f.kv().kvVersion(RotationFakes.MOUNT, RotationFakes.PATH)).isEqualTo(1);
        assertThat(f.metadata()).isEmpty();
        assertThat(f.keyChanges.get()).isZero();
    }

    @Test
    void aNewKeyThatCannotBeDeletedIsRecordedAndDeletedByTheNextRun() {
        f.openai.inject(Endpoint.LIST_ADMIN_KEYS, Fault.status(403));
        f.openai.inject(Endpoint.DELETE_ADMIN_KEY, Fault.status(403));
        AdminKeyRotator rotator = f.rotator(f.proxiedClient()).build();

        RotationResult r = rotate(rotator);

        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(f.liveAdminKeyIds()).hasSize(2);
        String leftover = f.liveAdminKeyIds().get(1);
        assertThat(r.message()).contains("admin key " + leftover + " created here could not be deleted")
                .endsWith("the next run tries again, or delete it in the OpenAI dashboard");
        assertThat(rotator.status().pendingDeleteKeyIds()).containsExactly(leftover);

        RotationResult cleanup = rotator.deletePending();
        printed.add(cleanup);
        assertThat(cleanup.outcome()).isEqualTo(Outcome.CLEANED_UP);
        assertThat(f.liveAdminKeyIds()).containsExactly(f.org.adminKeyId());
        assertThat(f.metadata()).doesNotContainKey("pending_delete_admin_key_id");
    }

    @Test
    void createFailureChangesNothing() {
        f.openai.inject(Endpoint.CREATE_ADMIN_KEY, Fault.status(400));
        RotationResult r = rotate(f.rotator(f.proxiedClient()).build());
        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.newKeyId()).isNull();
        assertThat(r.message()).startsWith("Could not create a new admin key for organization 'main' with admin key "
                + f.org.adminKeyId() + " (").endsWith("): nothing was changed");
        assertThat(f.liveAdminKeyIds()).containsExactly(f.org.adminKeyId());
        assertThat(f.kv().kvVersion(RotationFakes.MOUNT, RotationFakes.PATH)).isEqualTo(1);
    }

    @Test
    void ambiguousCreateIsFoundByNameAndDeleted() {
        f.openai.inject(Endpoint.CREATE_ADMIN_KEY, Fault.disconnectAfterProcessing());
        RotationResult r = rotate(f.rotator(f.proxiedClient()).build());
        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.message()).endsWith("nothing was changed");
        assertThat(f.liveAdminKeyIds()).containsExactly(f.org.adminKeyId());
        assertThat(f.openai.calls(Endpoint.CREATE_ADMIN_KEY)).isEqualTo(1);
    }

    @Test
    void kvWriteAnswerLostButStoredCarriesOn() {
        f.proxy.dropAfterNext(RotationFakes.KV_WRITE);

        RotationResult r = rotate(f.rotator(f.proxiedClient()).build());

        assertThat(r.outcome()).isEqualTo(Outcome.ROTATED);
        assertThat(f.vault.calls(RotationFakes.KV_WRITE)).isEqualTo(1); // not replayed
        assertThat(f.storedKeyId()).isEqualTo(r.newKeyId());
        assertThat(f.kv().kvVersion(RotationFakes.MOUNT, RotationFakes.PATH)).isEqualTo(2);
        assertThat(f.liveAdminKeyIds()).containsExactly(r.newKeyId());
        assertThat(f.metadata()).containsKey("last_rotated");
        assertThat(f.keyChanges.get()).isEqualTo(1);
    }

    @Test
    void kvWriteLostBeforeVaultSawItDeletesTheNewKey() {
        f.vault.dropNext(RotationFakes.KV_WRITE, 1);

        RotationResult r = rotate(f.rotator(f.proxiedClient()).build());

        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.message()).startsWith("Vault did not store new admin key key_")
                .contains("so admin key " + f.org.adminKeyId() + " stays in use; the new key was deleted again");
        assertThat(f.vault.calls(RotationFakes.KV_WRITE)).isEqualTo(1);
        assertThat(f.liveAdminKeyIds()).containsExactly(f.org.adminKeyId());
        assertThat(f.storedKeyId()).isEqualTo(f.org.adminKeyId());
        assertThat(f.keyChanges.get()).isZero();
    }

    @Test
    void kvWrite500IsNotReplayedAndIsResolvedByReadingBack() {
        f.vault.failNext(RotationFakes.KV_WRITE, 1, 500);
        RotationResult r = rotate(f.rotator(f.proxiedClient()).build());
        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(f.vault.calls(RotationFakes.KV_WRITE)).isEqualTo(1);
        assertThat(f.liveAdminKeyIds()).containsExactly(f.org.adminKeyId());
    }

    @Test
    void kvWriteDeniedIsADefiniteFailure() {
        f.vault.failNext(RotationFakes.KV_WRITE, 1, 400);
        RotationResult r = rotate(f.rotator(f.proxiedClient()).build());
        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.message()).startsWith("Could not store new admin key key_");
        assertThat(f.liveAdminKeyIds()).containsExactly(f.org.adminKeyId());
    }

    @Test
    void lostAnswerAndVaultGoneReportsUnknownWithBothIds() {
        String read = "GET " + RotationFakes.MOUNT + "/data/" + RotationFakes.PATH;
        f.proxy.beforeNext(read, () -> { }); // the read before the write gets its answer
        f.proxy.dropAfterNext(RotationFakes.KV_WRITE);
        f.proxy.beforeNext(read, f.vault::seal); // the read-back finds Vault sealed
        String oldId = f.org.adminKeyId();

        RotationResult r = rotate(f.rotator(f.proxiedClient()).build());
        f.vault.unseal();

        assertThat(r.outcome()).isEqualTo(Outcome.UNKNOWN);
        assertThat(r.message()).startsWith("Vault did not confirm storing new admin key " + r.newKeyId() + " in "
                + "secret/jenkins/openai/main (").endsWith("): read secret/jenkins/openai/main; if it holds "
                + r.newKeyId() + " delete old admin key " + oldId + ", otherwise delete " + r.newKeyId()
                + " in the OpenAI dashboard");
        // nothing was deleted on a guess: both keys live, Vault holds the new one
        assertThat(f.liveAdminKeyIds()).containsExactlyInAnyOrder(oldId, r.newKeyId());
        assertThat(f.storedKeyId()).isEqualTo(r.newKeyId());
    }

    @Test
    void oldKeyThatCannotBeDeletedIsRetriedOnTheNextRun() {
        f.openai.inject(Endpoint.DELETE_ADMIN_KEY, Fault.status(403));
        String oldId = f.org.adminKeyId();
        AdminKeyRotator rotator = f.rotator(f.proxiedClient()).build();

        RotationResult r = rotate(rotator);

        assertThat(r.outcome()).isEqualTo(Outcome.ROTATED_WITH_WARNING);
        assertThat(r.outcome().needsAttention()).isTrue();
        assertThat(r.message()).startsWith("Rotated the admin key of organization 'main' to " + r.newKeyId()
                + ", but could not delete old admin key " + oldId + " (")
                .endsWith("the next run tries again, or delete it in the OpenAI dashboard");
        assertThat(f.storedKeyId()).isEqualTo(r.newKeyId());
        assertThat(f.liveAdminKeyIds()).containsExactlyInAnyOrder(oldId, r.newKeyId());
        assertThat(rotator.status().pendingDeleteKeyIds()).containsExactly(oldId);
        assertThat(f.keyChanges.get()).isEqualTo(1);

        // next periodic pass: not due, but the pending deletion is done
        f.time.advance(Duration.ofHours(1));
        RotationService service = new RotationService(RotationSchedule.parse("30d", null), f.time);
        List<RotationResult> pass = service.runDue(List.of(rotator));
        printed.add(pass);
        assertThat(pass).singleElement().satisfies(p -> {
            assertThat(p.outcome()).isEqualTo(Outcome.CLEANED_UP);
            assertThat(p.message()).isEqualTo("Deleted old admin key(s) [" + oldId + "] of organization 'main'");
        });
        assertThat(f.liveAdminKeyIds()).containsExactly(r.newKeyId());
        assertThat(f.metadata()).doesNotContainKey("pending_delete_admin_key_id")
                .containsEntry("last_rotated", r.at().toString());
    }

    @Test
    void theNextRotationAlsoRetriesPendingDeletes() {
        f.openai.inject(Endpoint.DELETE_ADMIN_KEY, Fault.status(403));
        AdminKeyRotator rotator = f.rotator(f.proxiedClient()).build();
        RotationResult first = rotate(rotator);
        assertThat(first.outcome()).isEqualTo(Outcome.ROTATED_WITH_WARNING);

        f.time.advance(Duration.ofDays(31));
        RotationResult second = rotate(rotator);

        assertThat(second.outcome()).isEqualTo(Outcome.ROTATED);
        assertThat(second.oldKeyId()).isEqualTo(first.newKeyId());
        assertThat(f.liveAdminKeyIds()).containsExactly(second.newKeyId());
        assertThat(f.metadata()).doesNotContainKey("pending_delete_admin_key_id")
                .containsEntry("last_rotated", second.at().toString());
        assertThat(f.kv().kvVersion(RotationFakes.MOUNT, RotationFakes.PATH)).isEqualTo(3);
    }

    @Test
    void missingAdminConfigFailsWithOneSentence() {
        AdminKeyRotator rotator = AdminKeyRotator.builder("main", f.proxiedClient(), "secret", "no/such/path")
                .settings(ClientSettings.DEFAULTS.withTime(f.time).withRetryPolicy(RotationFakes.POLICY)).build();
        RotationResult r = rotate(rotator);
        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.message()).startsWith("Could not read the admin config secret/no/such/path for rotation (")
                .endsWith("): nothing was changed");
        assertThat(f.liveAdminKeyIds()).containsExactly(f.org.adminKeyId());
    }
}
