package io.jenkins.plugins.openaikeys.core.sweep;

import io.jenkins.plugins.openaikeys.core.http.ClientSettings;
import io.jenkins.plugins.openaikeys.core.http.RetryPolicy;
import io.jenkins.plugins.openaikeys.core.openai.OpenAiAdminClient;
import io.jenkins.plugins.openaikeys.core.openai.fake.Endpoint;
import io.jenkins.plugins.openaikeys.core.openai.fake.FakeOpenAi;
import io.jenkins.plugins.openaikeys.core.openai.fake.FakeOrganization;
import io.jenkins.plugins.openaikeys.core.openai.fake.FakeProject;
import io.jenkins.plugins.openaikeys.core.openai.fake.FakeServiceAccount;
import io.jenkins.plugins.openaikeys.core.openai.fake.Fault;
import io.jenkins.plugins.openaikeys.core.testing.FakeTime;
import io.jenkins.plugins.openaikeys.core.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;

class OrphanSweeperTest {

    private final FakeTime time = new FakeTime();
    private final FakeOpenAi openai = FakeOpenAi.start(time);
    private final FakeOrganization org = openai.createOrganization();
    private final FakeProject evals = org.createProject("evals");
    private final FakeProject ingest = org.createProject("ingest");
    private final ServiceAccountDirectory directory = ServiceAccountDirectory.of(OpenAiAdminClient.builder()
            .baseUrl(openai.baseUrl()).adminKey(org.adminKey())
            .settings(ClientSettings.DEFAULTS.withTime(time).withRetryPolicy(RetryPolicy.NONE)).pageSize(5).build());

    private final long now = time.instant().getEpochSecond();

    @AfterEach
    void stop() {
        openai.close();
    }

    private OrphanSweeper sweeper(boolean dryRun) {
        return new OrphanSweeper(new SweepPolicy("jk", Duration.ofMinutes(10), dryRun), time);
    }

    private static List<String> names(List<FakeServiceAccount> accounts) {
        return accounts.stream().map(FakeServiceAccount::name).toList();
    }

    @Test
    void deletesOnlyOurExpiredAccountsAcrossPages() {
        String expiredLongAgo = "jk-evals-team_app-41-" + (now - 3600) + "-a7k2";
        String withinGrace = "jk-evals-team_app-42-" + (now - 60) + "-b8k3";
        String stillValid = "jk-evals-team_app-43-" + (now + 1800) + "-c9k4";
        String otherController = "ci2-evals-team_app-41-" + (now - 3600) + "-d0k5";
        String humanMade = "deploy-bot";
        evals.addServiceAccounts("unrelated-", 12); // forces several pages at page size 5
        for (String n : List.of(expiredLongAgo, withinGrace, stillValid, otherController, humanMade)) {
            evals.addServiceAccount(n);
        }
        String expiredElsewhere = "jk-ingest-nightly-7-" + (now - 7200) + "-e1k6";
        ingest.addServiceAccount(expiredElsewhere);

        SweepReport report = sweeper(false).sweep("org1", directory, List.of(evals.id(), ingest.id()));

        assertThat(report.swept()).extracting(SweepReport.SweptAccount::name)
                .containsExactlyInAnyOrder(expiredLongAgo, expiredElsewhere);
        assertThat(report.examined()).isEqualTo(12 + 5 + 1);
        assertThat(report.failures()).isEmpty();
        assertThat(names(evals.liveServiceAccounts()))
                .contains(withinGrace, stillValid, otherController, humanMade)
                .doesNotContain(expiredLongAgo);
        assertThat(ingest.liveServiceAccounts()).isEmpty();
    }

    /**
     * The grace on both sides of its edge, on one account as time passes: past its expiry but
     * within the grace it is kept (a revoke may still be in flight); once expiry + grace is
     * past it is deleted.
     */
    @Test
    void anExpiredAccountIsKeptThroughTheGraceAndDeletedOnceItIsPast() {
        java.time.Instant expiry = java.time.Instant.ofEpochSecond(now + 1800); // a 30-minute key minted now
        String name = "jk-evals-team_app-42-" + expiry.getEpochSecond() + "-b8k3";
        evals.addServiceAccount(name);
        OrphanSweeper sweeper = sweeper(false); // grace: 10 minutes

        for (Duration past : List.of(Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofMinutes(10).minusSeconds(1),
                Duration.ofMinutes(10))) {
            time.advance(Duration.between(time.instant(), expiry.plus(past)));
            SweepReport report = sweeper.sweep("org1", directory, List.of(evals.id()));
            assertThat(report.swept()).as("%s past expiry, within the grace", past).isEmpty();
            assertThat(names(evals.liveServiceAccounts())).as("%s past expiry", past).containsExactly(name);
        }

        time.advance(Duration.ofSeconds(1)); // expiry + grace + 1 s
        SweepReport report = sweeper.sweep("org1", directory, List.of(evals.id()));

        assertThat(report.swept()).extracting(SweepReport.SweptAccount::name).containsExactly(name);
        assertThat(evals.liveServiceAccounts()).isEmpty();
        assertThat(openai.calls(Endpoint.DELETE_SERVICE_ACCOUNT)).isEqualTo(1);
    }

    @Test
    void dryRunDeletesNothing() {
        String expired = "jk-evals-job-1-" + (now - 3600) + "-a7k2";
        evals.addServiceAccount(expired);

        SweepReport report = sweeper(true).sweep("org1", directory, List.of(evals.id()));

        assertThat(report.dryRun()).isTrue();
        assertThat(report.swept()).extracting(SweepReport.SweptAccount::name).containsExactly(expired);
        assertThat(names(evals.liveServiceAccounts())).containsExactly(expired);
        assertThat(openai.calls(Endpoint.DELETE_SERVICE_ACCOUNT)).isZero();
        assertThat(report.summary()).contains("would delete 1");
    }

    @Test
    void aProjectThatCannotBeListedIsReportedAndTheOthersAreStillSwept() {
        String expired = "jk-ingest-job-1-" + (now - 3600) + "-a7k2";
        ingest.addServiceAccount(expired);
        openai.inject("GET", "/organization/projects/" + evals.id() + "/service_accounts", Fault.status(500).times(1));

        SweepReport report = sweeper(false).sweep("org1", directory, List.of(evals.id(), ingest.id()));

        assertThat(report.failures()).singleElement().asString().contains(evals.id());
        assertThat(ingest.liveServiceAccounts()).isEmpty();
    }

    @Test
    void aFailedDeleteIsReportedWithItsIds() {
        String expired = "jk-evals-job-1-" + (now - 3600) + "-a7k2";
        FakeServiceAccount account = evals.addServiceAccount(expired);
        openai.inject(Endpoint.DELETE_SERVICE_ACCOUNT, Fault.status(503).times(1));

        SweepReport report = sweeper(false).sweep("org1", directory, List.of(evals.id()));

        assertThat(report.swept()).isEmpty();
        assertThat(report.failures()).singleElement().asString().contains(account.id());
        assertThat(report.summary()).contains("1 failures");
    }

    @Test
    void aFailedDeleteIsLoggedOnceWithItsIdsBecauseTheClientDoesNotLogIt() {
        FakeServiceAccount account = evals.addServiceAccount("jk-evals-job-1-" + (now - 3600) + "-a7k2");
        openai.inject(Endpoint.DELETE_SERVICE_ACCOUNT, Fault.status(503).times(1));

        try (LogCapture logs = LogCapture.plugin()) {
            sweeper(false).sweep("org1", directory, List.of(evals.id()));

            assertThat(logs.messagesAtLeast(Level.WARNING)).singleElement().asString()
                    .contains("1 failures", account.id(), evals.id());
        }
    }
}
