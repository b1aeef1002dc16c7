package io.jenkins.plugins.openaikeys.acceptance;

import io.jenkins.plugins.openaikeys.acceptance.support.AcceptanceJenkins;
import io.jenkins.plugins.openaikeys.acceptance.support.Browser;
import io.jenkins.plugins.openaikeys.acceptance.support.Casc;
import io.jenkins.plugins.openaikeys.acceptance.support.JenkinsClient;
import io.jenkins.plugins.openaikeys.acceptance.support.JenkinsClient.Build;
import org.htmlunit.html.DomElement;
import org.htmlunit.html.HtmlButton;
import org.htmlunit.html.HtmlCheckBoxInput;
import org.htmlunit.html.HtmlElement;
import org.htmlunit.html.HtmlOption;
import org.htmlunit.html.HtmlPage;
import org.htmlunit.html.HtmlSelect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pages, through HtmlUnit with Jenkins' JavaScript: Manage Jenkins → System, a job's
 * configuration, the Snippet Generator; permission checks as {@code reader}; form validation as
 * the pages call it.
 */
class PagesTest {

    private static final String CONFIG = "io.jenkins.plugins.openaikeys.config.OpenAIKeysConfiguration";
    private static final String ROLE = "io.jenkins.plugins.openaikeys.config.RoleConfig";

    @RegisterExtension
    static final AcceptanceJenkins j = new AcceptanceJenkins("pages").configure(c -> {
        Casc.Role r = new Casc.Role("short45", "acme");
        r.ttl = "30m";
        r.maxTtl = "45m";
        r.allowedJobs = "**";
        r.projectId = c.role("evals").projectId;
        c.roles.add(r);
        c.organizations.add(Casc.litellmProxy("gateway", "secret", "litellm/gateway"));
        Casc.Role chat = new Casc.Role("chat", "gateway");
        chat.ttl = "30m";
        chat.allowedJobs = "**";
        chat.models = "gpt-4o-mini";
        c.roles.add(chat);
    });

    private Browser browser;

    private Browser admin() throws Exception {
        browser = new Browser(j.controller).login("admin", "admin");
        return browser;
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    private static String text(DomElement e) {
        return e.asNormalizedText();
    }

    /** The repeated chunks of the roles list: those holding an engineRole field. */
    private static List<HtmlElement> roleChunks(HtmlPage page) {
        return page.getByXPath("//div[contains(concat(' ',normalize-space(@class),' '),' repeated-chunk ')]"
                + "[.//*[@name='_.engineRole']]");
    }

    private static List<HtmlElement> orgChunks(HtmlPage page) {
        return page.getByXPath("//div[contains(concat(' ',normalize-space(@class),' '),' repeated-chunk ')]"
                + "[.//*[@name='_.kvPath' or @name='_.engineMount']][not(.//*[@name='_.engineRole'])]");
    }

    private static List<HtmlElement> buttons(HtmlPage page, String textPart) {
        return page.<HtmlElement>getByXPath("//button | //input[@type='button']").stream()
                .filter(b -> (text(b) + " " + b.getAttribute("value")).toLowerCase(Locale.ROOT)
                        .contains(textPart.toLowerCase(Locale.ROOT)))
                .toList();
    }

    // ------------------------------------------------------------------ issue 9 item 1

    @Test
    void systemPageRendersFullyWithSaveButtonAndOurSection() throws Exception {
        HtmlPage page = admin().page("manage/configure");
        String html = page.getWebResponse().getContentAsString();
        assertThat(page.getWebResponse().getStatusCode()).isEqualTo(200);
        assertThat(html).doesNotContain("A problem occurred").doesNotContain("Unable to create expression");
        assertThat(text(page.getBody())).contains("OpenAI Ephemeral Keys").contains("Vault CA certificates in PEM format");
        assertThat(page.<HtmlElement>getFirstByXPath("//form[@name='config']//*[@name='Submit']"))
                .as("Save button of the System page").isNotNull();
        assertThat(Browser.value(page, "vaultAddress", 0)).isEqualTo(j.backends.vault.address());
        assertThat(roleChunks(page)).hasSize(j.casc.roles.size());
        // the advanced settings of our section are on the page too (the page did not break off)
        assertThat(page.getByXPath("//*[@name='_.revocationRetryInterval']")).isNotEmpty();
    }

    @Test
    void systemPageSavesAndReloads() throws Exception {
        Browser b = admin();
        HtmlPage page = b.page("manage/configure");
        j.configurationChanged();
        Browser.set(page, "namePrefix", 0, "jkpage");
        Browser.set(page, "sweeperGrace", 0, "15m");
        List<HtmlElement> roles = roleChunks(page);
        HtmlElement evals = roles.stream().filter(r -> Browser.value(r, "name", 0).equals("evals")).findFirst().orElseThrow();
        Browser.set(evals, "ttl", 0, "20m");
        Browser.set(evals, "allowedJobs", 0, "team-a/**\nnightly");
        b.save(page);
        HtmlPage again = b.page("manage/configure");
        assertThat(Browser.value(again, "namePrefix", 0)).isEqualTo("jkpage");
        assertThat(Browser.value(again, "sweeperGrace", 0)).isEqualTo("15m");
        HtmlElement evals2 = roleChunks(again).stream().filter(r -> Browser.value(r, "name", 0).equals("evals"))
                .findFirst().orElseThrow();
        assertThat(Browser.value(evals2, "ttl", 0)).isEqualTo("20m");
        assertThat(Browser.value(evals2, "allowedJobs", 0)).isEqualTo("team-a/**\nnightly");
        assertThat(Browser.value(again, "vaultAddress", 0)).isEqualTo(j.backends.vault.address());
        assertThat(roleChunks(again)).hasSize(j.casc.roles.size());
        assertThat(orgChunks(again)).hasSize(j.casc.organizations.size());
        String yaml = j.admin().post("manage/configuration-as-code/export").body();
        assertThat(yaml).contains("jkpage").contains("team-a/**");
    }

    // ------------------------------------------------------------------ issue 9 item 2

    @Test
    void deletingTheLastRoleAndOrganizationSticksAndStopsMinting() throws Exception {
        Browser b = admin();
        HtmlPage page = b.page("manage/configure");
        j.configurationChanged();
        for (HtmlElement chunk : roleChunks(page)) {
            HtmlElement del = chunk.getFirstByXPath(".//button[contains(@class,'repeatable-delete')]");
            assertThat(del).as("Delete button of a role").isNotNull();
            b.delete(del);
        }
        for (HtmlElement chunk : orgChunks(page)) {
            HtmlElement del = chunk.getFirstByXPath(".//button[contains(@class,'repeatable-delete')]");
            assertThat(del).as("Delete button of an organization").isNotNull();
            b.delete(del);
        }
        b.save(page);
        assertThat(roleChunks(page)).as("role chunks left on the page after deleting them").isEmpty();
        HtmlPage again = b.page("manage/configure");
        assertThat(roleChunks(again)).as("roles after deleting them all and saving").isEmpty();
        assertThat(orgChunks(again)).as("organizations after deleting them all and saving").isEmpty();
        int before = j.backends.mints();
        JenkinsClient admin = j.admin();
        admin.pipeline("deleted-role", "node { withOpenAIKey('evals') { echo 'body ran' } }");
        Build build = admin.run("deleted-role");
        assertThat(build.result()).as(build.toString()).isEqualTo("FAILURE");
        assertThat(j.backends.mints()).as("keys minted with a deleted role").isEqualTo(before);
    }

    // ------------------------------------------------------------------ issue 9 item 4

    @Test
    void invalidRoleIsRefusedOnSave() throws Exception {
        Browser b = admin();
        HtmlPage page = b.page("manage/configure");
        j.configurationChanged();
        HtmlElement evals = roleChunks(page).stream().filter(r -> Browser.value(r, "name", 0).equals("evals"))
                .findFirst().orElseThrow();
        Browser.set(evals, "ttl", 0, "abc");
        HtmlPage answer = b.save(page);
        String answerText = answer == null ? "" : text(answer.getBody());
        boolean refusedOnPage = answerText.contains("evals") && answerText.matches("(?s).*(abc|TTL).*")
                && (answer.getWebResponse().getStatusCode() >= 400 || !answer.getUrl().toString().endsWith("/manage/"));
        String monitors = text(b.page("manage/").getBody());
        boolean flagged = monitors.contains("evals") && monitors.matches("(?s).*(abc|TTL).*");
        assertThat(refusedOnPage || flagged)
                .as("saving role 'evals' with TTL 'abc' must be refused on the page or flagged on Manage Jenkins;"
                        + " the save answered: " + answerText.lines().limit(15).toList())
                .isTrue();
        JenkinsClient admin = j.admin();
        admin.pipeline("invalid-role", "node { withOpenAIKey('evals') { echo 'body ran' } }");
        Build build = admin.run("invalid-role");
        if (build.result().equals("FAILURE")) {
            assertThat(build.console()).as(build.toString()).doesNotContain("is configured: choose one of");
        }
    }

    // ------------------------------------------------------------------ issue 9 item 5

    @Test
    void newRoleHasNoPreselectedOrganization() throws Exception {
        Browser b = admin();
        HtmlPage page = b.page("manage/configure");
        int before = roleChunks(page).size();
        List<HtmlElement> add = buttons(page, "Add role");
        assertThat(add).as("Add role button").isNotEmpty();
        add.get(0).click();
        b.settle();
        List<HtmlElement> roles = roleChunks(page);
        assertThat(roles).hasSize(before + 1);
        HtmlElement fresh = roles.get(roles.size() - 1);
        HtmlSelect org = (HtmlSelect) Browser.field(fresh, "organization", 0);
        String selected = org.getSelectedOptions().isEmpty() ? "" : org.getSelectedOptions().get(0).getValueAttribute();
        assertThat(selected).as("organization preselected in a new role (options %s)",
                org.getOptions().stream().map(HtmlOption::getValueAttribute).toList()).isEmpty();
    }

    // ------------------------------------------------------------------ issue 9 item 7

    @Test
    void testConnectionAndRotateArePerOrganization() throws Exception {
        Casc broken = j.casc.copy();
        broken.organizations.set(1, Casc.vaultEngine("engine", "no-such-engine"));
        j.apply(broken);
        Browser b = admin();
        HtmlPage page = b.page("manage/configure");
        List<HtmlElement> rotate = buttons(page, "Rotate");
        assertThat(rotate).as("one Rotate button per organization").hasSizeGreaterThanOrEqualTo(2);
        List<HtmlElement> test = buttons(page, "Test the saved connection");
        assertThat(test).isNotEmpty();
        test.get(0).click();
        b.settle();
        Thread.sleep(3000);
        b.settle();
        List<HtmlElement> errors = page.getByXPath("//*[contains(@class,'validation-error-area')]//*[contains(@class,'error')]");
        List<HtmlElement> areas = page.getByXPath("//*[contains(@class,'validation-error-area')]");
        String answer = String.join("\n", areas.stream().map(PagesTest::text).filter(t -> t.contains("acme") || t.contains("engine")).toList());
        assertThat(answer).as("Test connection names each organization").contains("acme").contains("engine");
        String red = String.join("\n", errors.stream().map(PagesTest::text).toList());
        assertThat(red).as("error-coloured part of the answer").contains("engine").doesNotContain("acme");
        rotate.get(0).click();
        b.settle();
        assertThat(b.confirms).as("Rotate asks for confirmation").isNotEmpty();
    }

    // ------------------------------------------------------------------ issue 9 item 12

    @Test
    void roleHeadersShowTheirNames() throws Exception {
        HtmlPage page = admin().page("manage/configure");
        for (HtmlElement chunk : roleChunks(page)) {
            String name = Browser.value(chunk, "name", 0);
            HtmlElement header = chunk.getFirstByXPath(".//*[contains(@class,'repeated-chunk__header') or contains(@class,'dd-handle')]");
            String headerText = header == null ? text(chunk).lines().findFirst().orElse("") : text(header);
            assertThat(headerText).as("header of role " + name).contains(name);
        }
    }

    /** The role chunk whose name field holds {@code name}. */
    private static HtmlElement roleChunk(HtmlPage page, String name) {
        return roleChunks(page).stream().filter(c -> name.equals(Browser.value(c, "name", 0))).findFirst()
                .orElseThrow(() -> new AssertionError("no role " + name + " on the page"));
    }

    private static boolean shown(HtmlElement role, String field) {
        HtmlElement input = role.getFirstByXPath(".//*[@name='_." + field + "']");
        assertThat(input).as("field " + field).isNotNull();
        return input.isDisplayed();
    }

    @Test
    void roleShowsOnlyTheFieldsItsOrganizationUses() throws Exception {
        HtmlPage page = admin().page("manage/configure");
        HtmlElement chat = roleChunk(page, "chat");
        assertThat(shown(chat, "models")).as("models on a LiteLLM proxy role").isTrue();
        assertThat(shown(chat, "maxBudget")).as("max budget on a LiteLLM proxy role").isTrue();
        assertThat(shown(chat, "projectId")).as("project id on a LiteLLM proxy role").isFalse();
        assertThat(shown(chat, "engineRole")).as("engine role on a LiteLLM proxy role").isFalse();
        HtmlElement openai = roleChunk(page, "short45");
        assertThat(shown(openai, "projectId")).as("project id on an Admin API role").isTrue();
        assertThat(shown(openai, "models")).as("models on an Admin API role").isFalse();

        HtmlSelect organization = openai.getFirstByXPath(".//select[@name='_.organization']");
        organization.setSelectedAttribute(organization.getOptionByValue("gateway"), true);
        page.getEnclosingWindow().getJobManager().waitForJobs(2000);
        assertThat(shown(openai, "models")).as("models once the role points at the proxy").isTrue();
        assertThat(shown(openai, "projectId")).as("a project id that is set stays visible to be cleared").isTrue();
        assertThat(shown(openai, "engineRole")).as("an empty engine role stays hidden").isFalse();
    }

    private static String check(JenkinsClient c, String path) {
        JenkinsClient.Response r = c.get(path);
        assertThat(r.status()).as(path + ": " + r.body()).isEqualTo(200);
        String body = r.body();
        if (body.contains("class=\"error\"") || body.contains("class=error")) {
            return "error";
        }
        if (body.contains("class=\"warning\"") || body.contains("class=warning")) {
            return "warning";
        }
        return "ok";
    }

    @Test
    void formChecksRefuseWhatBuildsWouldRefuse() {
        JenkinsClient admin = j.admin();
        admin.pipeline("snippet", "echo 'x'");
        String d = "descriptorByName/";
        assertThat(check(admin, d + ROLE + "/checkVariable?value=PATH")).as("variable PATH").isNotEqualTo("ok");
        assertThat(check(admin, d + "io.jenkins.plugins.openaikeys.config.AdminApiOrganization/checkKvPath?value=data/openai/lab"))
                .as("KV path data/openai/lab").isNotEqualTo("ok");
        assertThat(check(admin, d + CONFIG + "/checkRotationWindow?value=02:00-02:05"))
                .as("rotation window of 5 minutes").isNotEqualTo("ok");
        assertThat(check(admin, d + ROLE + "/checkEngineRole?value=deployer&organization=acme"))
                .as("engine role on an Admin API organization").isNotEqualTo("ok");
        assertThat(check(admin, "job/snippet/" + d + "io.jenkins.plugins.openaikeys.steps.WithOpenAIKeyStep/checkTtl?value=2h&role=short45"))
                .as("TTL 2h in the Snippet Generator for a role whose max is 45m").isEqualTo("error");
        assertThat(check(admin, d + ROLE + "/checkTtl?value=abc")).as("TTL abc").isEqualTo("error");
        assertThat(check(admin, d + CONFIG + "/checkNamePrefix?value=_ci"))
                .as("prefix _ci beside a litellmProxy organization: aliases a validating proxy refuses").isEqualTo("warning");
        assertThat(check(admin, d + CONFIG + "/checkNamePrefix?value=ci")).as("prefix ci").isEqualTo("ok");
    }

    // ------------------------------------------------------------------ issue 9 item 6, Snippet Generator

    @Test
    void snippetGeneratorOffersWithOpenAIKeyOnly() throws Exception {
        j.admin().pipeline("snippet", "echo 'x'");
        Browser b = admin();
        HtmlPage page = b.page("job/snippet/pipeline-syntax");
        List<HtmlOption> options = page.getByXPath("//select//option");
        List<String> texts = options.stream().map(o -> o.getText().trim()).toList();
        assertThat(texts).as("steps offered").anyMatch(t -> t.startsWith("withOpenAIKey"));
        assertThat(texts).as("steps offered").noneMatch(t -> t.startsWith("mintOpenAIKey"));
        HtmlOption step = options.stream().filter(o -> o.getText().trim().startsWith("withOpenAIKey")).findFirst().orElseThrow();
        HtmlSelect select = (HtmlSelect) step.getEnclosingElement("select");
        select.setSelectedAttribute(step, true);
        b.settle();
        HtmlSelect role = page.<HtmlSelect>getByXPath("//select[@name='_.role']").stream()
                .filter(s -> s.isDisplayed()).findFirst().orElseThrow(() -> new AssertionError("no role choice"));
        assertThat(role.getOptions().stream().map(HtmlOption::getValueAttribute)).contains("evals", "deploy");
        role.setSelectedAttribute("evals", true);
        HtmlElement generate = buttons(page, "Generate").get(0);
        generate.click();
        b.settle();
        DomElement out = page.getElementById("prototypeText");
        String snippet = out == null ? "" : ((org.htmlunit.html.HtmlTextArea) out).getText();
        assertThat(snippet).matches("(?s)withOpenAIKey\\((role: )?'evals'\\).*");
    }

    // ------------------------------------------------------------------ a job's configuration page

    @Test
    void freestyleConfigurationPageSavesTheWrapper() throws Exception {
        JenkinsClient admin = j.admin();
        admin.configXml("fs-page", "<?xml version='1.1' encoding='UTF-8'?>\n<project><builders/><publishers/><buildWrappers/></project>\n");
        Browser b = admin();
        HtmlPage page = b.page("job/fs-page/configure");
        HtmlCheckBoxInput box = page.getFirstByXPath("//input[@type='checkbox'][@name='io-jenkins-plugins-openaikeys-freestyle-OpenAIKeyBuildWrapper']");
        assertThat(box).as("Build Environment: Mint an OpenAI API key").isNotNull();
        box.click();
        b.settle();
        HtmlSelect role = page.<HtmlSelect>getByXPath("//select[@name='_.role']").get(0);
        for (int i = 0; i < 40 && role.getOptions().stream().noneMatch(o -> o.getValueAttribute().equals("evals")); i++) {
            Thread.sleep(250); // the role list is filled by a request of its own
            b.settle();
        }
        assertThat(role.getOptions().stream().map(HtmlOption::getValueAttribute)).contains("evals");
        role.setSelectedAttribute("evals", true);
        b.save(page);
        String xml = admin.get("job/fs-page/config.xml").body();
        assertThat(xml).contains("OpenAIKeyBuildWrapper").contains("<role>evals</role>");
        HtmlPage again = b.page("job/fs-page/configure");
        HtmlCheckBoxInput box2 = again.getFirstByXPath("//input[@type='checkbox'][@name='io-jenkins-plugins-openaikeys-freestyle-OpenAIKeyBuildWrapper']");
        assertThat(box2.isChecked()).isTrue();
    }

    // ------------------------------------------------------------------ permissions

    @Test
    void readerCannotConfigureTestRotateOrListCredentials() throws Exception {
        JenkinsClient reader = j.reader();
        assertThat(reader.get("api/json").status()).as("reader can read").isEqualTo(200);
        assertThat(reader.get("manage/configure").status()).as("System page for reader").isIn(403, 404);
        assertThat(reader.post("descriptorByName/" + CONFIG + "/testConnection").status()).isIn(403, 404);
        assertThat(reader.post("descriptorByName/" + CONFIG + "/rotateNow").status()).isIn(403, 404);
        JenkinsClient.Response creds = reader.get(
                "descriptorByName/io.jenkins.plugins.openaikeys.config.vault.TokenVaultAuth/fillCredentialsIdItems");
        assertThat(creds.status() == 403 || !creds.body().contains("vault-token"))
                .as("reader sees the Vault credential list: " + creds.body()).isTrue();
        j.admin().pipeline("snippet", "echo 'x'");
        JenkinsClient.Response roles = reader.get(
                "job/snippet/descriptorByName/io.jenkins.plugins.openaikeys.steps.WithOpenAIKeyStep/fillRoleItems");
        assertThat(roles.status() == 403 || !roles.body().contains("evals"))
                .as("reader without Job/Configure sees roles: " + roles.body()).isTrue();
        // and GET must never trigger a side effect, even for the admin
        assertThat(j.admin().get("descriptorByName/" + CONFIG + "/rotateNow").status()).isIn(403, 404, 405);
        try (Browser rb = new Browser(j.controller).login("reader", "reader")) {
            assertThat(rb.status("manage/configure")).isIn(403, 404);
        }
    }
}
