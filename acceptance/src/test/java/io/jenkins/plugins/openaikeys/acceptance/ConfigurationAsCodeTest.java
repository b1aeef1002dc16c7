package io.jenkins.plugins.openaikeys.acceptance;

import io.jenkins.plugins.openaikeys.acceptance.support.AcceptanceJenkins;
import io.jenkins.plugins.openaikeys.acceptance.support.Casc;
import io.jenkins.plugins.openaikeys.acceptance.support.JenkinsClient;
import io.jenkins.plugins.openaikeys.acceptance.support.JenkinsClient.Build;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** JCasC: apply at start, export, reload; what a reloaded file omits returns to its default. */
class ConfigurationAsCodeTest {

    @RegisterExtension
    static final AcceptanceJenkins j = new AcceptanceJenkins("casc");

    static String export() {
        JenkinsClient.Response r = j.admin().post("manage/configuration-as-code/export");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    private Build mint(String job, String role) {
        JenkinsClient admin = j.admin();
        admin.pipeline(job, "node { withOpenAIKey('" + role + "') { sh 'echo \"key=$OPENAI_API_KEY\"' } }");
        return admin.run(job);
    }

    @Test
    void appliedAtStartAndExported() {
        String yaml = export();
        assertThat(yaml).contains("openAIKeys:")
                .contains(j.backends.vault.address())
                .contains("credentialsId: \"vault-token\"")
                .contains("name: \"acme\"").contains("kvPath: \"openai/acme\"")
                .contains("name: \"engine\"").contains("engineMount: \"openai\"")
                .contains("name: \"evals\"").contains("name: \"deploy\"").contains("engineRole: \"deployer\"")
                .doesNotContain(j.backends.rootToken());
        Build b = mint("casc-start", "evals");
        assertThat(b.result()).as(b.toString()).isEqualTo("SUCCESS");
    }

    /** Issue 9 item 3: reloading a file that omits settings returns them to their defaults. */
    @Test
    void reloadWithOmittedKeysRestoresDefaults() throws Exception {
        Casc full = j.casc.copy();
        full.vaultNamespace = "ci/team-a";
        full.settings.put("namePrefix", "jkx");
        full.settings.put("rotationEnabled", "true");
        full.settings.put("rotationPeriod", "7d");
        full.settings.put("rotationWindow", "02:00-04:00");
        full.settings.put("sweeperDryRun", "true");
        full.settings.put("sweeperGrace", "15m");
        j.apply(full);
        String applied = export();
        assertThat(applied).contains("ci/team-a").contains("jkx").contains("02:00-04:00")
                .containsPattern("sweeperDryRun: true").containsPattern("rotationEnabled: true");

        j.apply(j.casc); // the standard file: none of the above
        String reloaded = export();
        assertThat(reloaded).as(reloaded)
                .doesNotContain("ci/team-a")
                .doesNotContain("jkx")
                .doesNotContain("02:00-04:00")
                .doesNotContainPattern("sweeperDryRun: true")
                .doesNotContainPattern("rotationEnabled: true")
                .doesNotContain("rotationPeriod: \"7d\"")
                .doesNotContain("sweeperGrace: \"15m\"");
        Build b = mint("casc-reloaded", "evals");
        assertThat(b.result()).as("minting after the reload (namespace back to root):\n" + b).isEqualTo("SUCCESS");
    }

    /** Deleting every role (or organization) through JCasC stops minting. */
    @Test
    void emptyRolesStopMinting() throws Exception {
        Casc none = j.casc.copy();
        none.roles.clear();
        j.apply(none);
        assertThat(export()).doesNotContain("name: \"evals\"");
        int before = j.backends.mints();
        Build b = mint("casc-no-roles", "evals");
        assertThat(b.result()).isEqualTo("FAILURE");
        assertThat(j.backends.mints()).isEqualTo(before);
        assertThat(b.console()).contains("evals").doesNotContain("\tat ");
    }

    /**
     * Issue 9 item 4: an invalid role is refused or flagged where the administrator is (here the JCasC
     * reload), and a build asking for it says the real reason, not "no role named ... is configured".
     */
    @Test
    void invalidRoleIsRefusedOrNamedWithItsReason() throws Exception {
        Casc bad = j.casc.copy();
        Casc.Role r = new Casc.Role("ui-admin", "acme");
        r.projectId = j.backends.adminProject.id();
        r.ttl = "abc";
        r.allowedJobs = "**";
        bad.roles.add(r);
        boolean refused;
        try {
            j.apply(bad);
            refused = false;
        } catch (IllegalStateException e) {
            refused = true;
            assertThat(e.getMessage()).as("the JCasC refusal names the role").contains("ui-admin");
        }
        if (!refused) {
            int before = j.backends.mints();
            Build b = mint("casc-bad-role", "ui-admin");
            assertThat(b.result()).isEqualTo("FAILURE");
            assertThat(j.backends.mints()).isEqualTo(before);
            assertThat(b.console()).as(b.toString())
                    .doesNotContain("is configured: choose one of")
                    .contains("ui-admin")
                    .containsPattern("(?i)ttl|abc");
        }
    }

    /** Two roles of one name must not both be saved silently (issue 9 item 4). */
    @Test
    void duplicateRoleNamesAreRefused() throws Exception {
        Casc dup = j.casc.copy();
        Casc.Role again = new Casc.Role("evals", "acme");
        again.projectId = j.backends.adminProject.id();
        again.ttl = "5m";
        again.allowedJobs = "**";
        dup.roles.add(again);
        boolean refused;
        try {
            j.apply(dup);
            refused = false;
        } catch (IllegalStateException e) {
            refused = true;
        }
        if (!refused) {
            String yaml = export();
            int count = yaml.split("name: \"evals\"", -1).length - 1;
            assertThat(count).as("JCasC accepted two roles named evals:\n" + yaml).isLessThanOrEqualTo(1);
        }
    }
}
