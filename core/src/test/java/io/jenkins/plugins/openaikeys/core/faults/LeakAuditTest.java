package io.jenkins.plugins.openaikeys.core.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.openaikeys.core.EphemeralKeyException;
import io.jenkins.plugins.openaikeys.core.broker.BrokerException;
import io.jenkins.plugins.openaikeys.core.broker.MintedKey;
import org.junit.jupiter.api.Test;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The audit and the tally catch planted leaks: the fault matrix can fail. */
class LeakAuditTest {

    @Test
    void countsOccurrencesTimesLengthByteWise() {
        byte[] hay = "xxsecret-1234yysecret-1234secret-12".getBytes(StandardCharsets.UTF_8);
        assertThat(LeakAudit.occurrences(hay, "secret-1234".getBytes(StandardCharsets.UTF_8))).isEqualTo(2);
        assertThat(LeakAudit.occurrences(hay, "absent-value".getBytes(StandardCharsets.UTF_8))).isZero();
        assertThat(LeakAudit.occurrences("aaaa".getBytes(StandardCharsets.UTF_8),
                "aa".getBytes(StandardCharsets.UTF_8))).isEqualTo(2);

        List<String> findings = new ArrayList<>();
        long bytes = LeakAudit.leakedBytes(List.of("secret-1234", "other-secret"),
                Map.of("log", hay, "file", "other-secret".getBytes(StandardCharsets.UTF_8)), findings);
        assertThat(bytes).isEqualTo(2 * 11 + 12);
        assertThat(findings).hasSize(2).noneMatch(f -> f.contains("secret-1234") || f.contains("other-secret"));
    }

    /** A message cut at 200 characters in the middle of a quoted key still leaks most of it. */
    @Test
    void countsAKeyCutShortByTheBytesOfItThatAreThere() {
        java.util.Random random = new java.util.Random(42); // keys are random: no repeats inside one
        StringBuilder b = new StringBuilder("sk-svcacct-");
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
        for (int i = 0; i < 156; i++) {
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        String key = b.toString();
        String text = "rejected (400: \"its API key " + key.substring(0, 100) + "…\") and later …"
                + key.substring(key.length() - 30) + " and " + key + " and a stub " + key.substring(0, 20) + "…";
        List<String> findings = new ArrayList<>();

        long bytes = LeakAudit.leakedBytes(List.of(key), Map.of("log", text.getBytes(StandardCharsets.UTF_8)),
                findings);

        assertThat(bytes).isEqualTo(100 + 30 + key.length());
        assertThat(findings).containsExactlyInAnyOrder(
                "secret #1 (" + key.length() + " bytes) 1x in log",
                "secret #1 (" + key.length() + " bytes) cut short 2x (130 bytes of it) in log");
    }

    @Test
    void countsAnUnrevokedLiteLlmKeyAndItsValueInALog() throws Exception {
        try (FaultWorld w = new FaultWorld()) {
            FaultWorld.Controller c = w.controller();
            MintedKey proxyKey = w.mint(c.broker(), FaultWorld.PROXY_ROLE, "1");
            MintedKey engineKey = w.mint(c.broker(), FaultWorld.LITELLM_ENGINE_ROLE, "2");
            java.util.logging.Logger.getLogger("io.jenkins.plugins.openaikeys.test").warning("planted "
                    + proxyKey.value().reveal());
            LeakAudit.Result r = LeakAudit.audit(w);
            assertThat(r.liveAccounts()).as("two LiteLLM keys still usable").isEqualTo(2);
            assertThat(r.liveLeases()).as("the engine key's lease").isEqualTo(1);
            assertThat(r.leakedSecretBytes()).isGreaterThanOrEqualTo(proxyKey.value().length());
            assertThat(r.findings()).anyMatch(f -> f.contains(proxyKey.keyAlias()))
                    .anyMatch(f -> f.contains(engineKey.keyAlias()));
            c.broker().revoke(proxyKey.handle());
            c.broker().revoke(engineKey.handle());
            assertThat(LeakAudit.audit(w).leakedKeys()).isZero();
        }
    }

    @Test
    void refusesSecretsTooShortToSearchFor() {
        assertThatThrownBy(() -> LeakAudit.leakedBytes(List.of("abc"), Map.of(), new ArrayList<>()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void findsAPlantedLiveKeyLeaseLogLineFileDeletedFileAndMessage() throws Exception {
        try (FaultWorld w = new FaultWorld()) {
            FaultWorld.Controller c = w.controller();
            MintedKey account = w.mint(c.broker(), FaultWorld.ADMIN_ROLE, "1");
            MintedKey lease = w.mint(c.broker(), FaultWorld.ENGINE_ROLE, "2");
            String value = account.value().reveal();
            Logger.getLogger("io.jenkins.plugins.openaikeys.core.faults.Planted").log(Level.FINE, "key {0}", value);
            Files.writeString(w.root().resolve("stray.txt"), value + value, StandardCharsets.UTF_8);
            Files.writeString(w.root().resolve("gone.txt"), value, StandardCharsets.UTF_8);
            w.snapshotFiles(); // both files, once more each
            Files.delete(w.root().resolve("gone.txt"));
            w.surfaced(new IllegalStateException("wrapped", new RuntimeException("admin " + w.org.adminKey().reveal())));

            LeakAudit.Result r = LeakAudit.audit(w);

            assertThat(r.liveAccounts()).as("the adminApi account and the engine's").isEqualTo(2);
            assertThat(r.liveLeases()).isEqualTo(1);
            assertThat(r.leakedKeys()).isEqualTo(3);
            // the log line holds the value in the raw parameter and in the formatted message
            long logBytes = 2L * value.length();
            assertThat(r.leakedSecretBytes())
                    .isEqualTo(logBytes + 2L * value.length() + (2L + 1L) * value.length()
                            + w.org.adminKey().reveal().length());
            assertThat(r.clean()).isFalse();

            c.broker().revoke(account.handle());
            c.broker().revoke(lease.handle());
            assertThat(LeakAudit.audit(w).leakedKeys()).isZero();
        }
    }

    @Test
    void aCleanWorldAuditsClean() {
        try (FaultWorld w = new FaultWorld()) {
            FaultWorld.Controller c = w.controller();
            MintedKey key = w.mint(c.broker(), FaultWorld.ADMIN_ROLE, "1");
            c.broker().revoke(key.handle());

            LeakAudit.Result r = LeakAudit.audit(w);

            assertThat(r.findings()).isEmpty();
            assertThat(w.secrets()).as("key, admin key, secret_id and the Vault token were all looked for")
                    .contains(key.value().reveal(), w.org.adminKey().reveal(), FaultWorld.SECRET_ID)
                    .anyMatch(s -> s.startsWith("hvs."));
        }
    }

    @Test
    void tallyFailsOnAPlantedLeakOrAMissingScenario() {
        FaultTally leaky = new FaultTally();
        leaky.add("clean", new LeakAudit.Result(0, 0, 0, List.of()), true);
        leaky.add("leaky", new LeakAudit.Result(1, 0, 51, List.of("live service account svc_acct_1")), true);
        assertThat(leaky.line()).isEqualTo("fault scenarios: 2, leaked keys: 1, leaked secret bytes: 51");
        assertThatThrownBy(leaky::verify).isInstanceOf(AssertionError.class).hasMessageContaining("svc_acct_1");

        FaultTally unfinished = new FaultTally();
        unfinished.add("clean", new LeakAudit.Result(0, 0, 0, List.of()), true);
        unfinished.add("failed half-way", new LeakAudit.Result(0, 0, 0, List.of()), false);
        assertThatThrownBy(unfinished::verify).hasMessageContaining("only 1 of 2");

        FaultTally good = new FaultTally();
        good.add("clean", new LeakAudit.Result(0, 0, 0, List.of()), true);
        good.verify(); // one scenario run alone is a whole result
        assertThat(good.line()).isEqualTo("fault scenarios: 1, leaked keys: 0, leaked secret bytes: 0");
        assertThatThrownBy(new FaultTally()::verify).hasMessageContaining("no fault scenario ran");
    }

    @Test
    void findsTheKeyAsBase64AtEveryAlignmentInBothAlphabetsAndNothingInInnocentBase64() {
        String secret = "sk-svcacct-Ab?>~x_-Zq9" + "T3BlbkFJ" + "u/+w??>>0123";
        for (Base64.Encoder encoder : List.of(Base64.getEncoder(), Base64.getUrlEncoder(), Base64.getMimeEncoder())) {
            for (String before : List.of("", "K", "KE", "KEY=", "OPENAI_API_KEY=")) {
                for (String after : List.of("", "\n", "\nnext")) {
                    byte[] text = encoder.encode((before + secret + after).getBytes(StandardCharsets.UTF_8));
                    List<String> findings = new ArrayList<>();
                    long bytes = LeakAudit.leakedBytes(List.of(secret), Map.of("log", text), findings);
                    assertThat(bytes).as("%s + secret + %s, %s", before, after, encoder)
                            .isEqualTo(secret.length());
                    assertThat(findings).singleElement().asString().contains("base64").doesNotContain(secret);
                }
            }
        }
        byte[] innocent = Base64.getEncoder().encode("sk-svcacct-someone-elses-key-T3BlbkFJ".getBytes(
                StandardCharsets.UTF_8));
        assertThat(LeakAudit.leakedBytes(List.of(secret), Map.of("log", innocent), new ArrayList<>())).isZero();
    }

    /**
     * The places the audit did not search before: System.out, System.err and loggers outside
     * the plugin — library loggers included even when configured to be silent and not to
     * propagate (the world's tap overrides both while it is open, and restores them).
     */
    @Test
    void findsAKeyPrintedToStdoutOrStderrOrLoggedByAnyLoggerAndRestoresThemAll() {
        PrintStream out = System.out;
        PrintStream err = System.err;
        Logger okhttp = Logger.getLogger("okhttp3");
        Logger driver = Logger.getLogger("io.github.jopenlibs.vault");
        okhttp.setLevel(Level.OFF);
        okhttp.setUseParentHandlers(false);
        try {
            String value;
            LeakAudit.Result r;
            try (FaultWorld w = new FaultWorld()) {
                FaultWorld.Controller c = w.controller();
                MintedKey key = w.mint(c.broker(), FaultWorld.ADMIN_ROLE, "1");
                c.broker().revoke(key.handle());
                value = key.value().reveal();

                System.err.println("debug: " + value);
                System.out.println(Base64.getEncoder().encodeToString(("OPENAI_API_KEY=" + value)
                        .getBytes(StandardCharsets.UTF_8)));
                Logger.getLogger("okhttp3.internal.Planted").finest("Authorization: Bearer " + value);
                Logger.getLogger("io.github.jopenlibs.vault.Planted").fine("token " + value);
                Logger.getLogger("somebody.else").log(Level.FINER, "key {0}", value);

                r = LeakAudit.audit(w);
                assertThat(w.output.loggerNames()).as("okhttp's own FINE logging reaches the tap, though silenced")
                        .contains("okhttp3.internal.concurrent.TaskRunner");
            }
            assertThat(r.findings()).hasSize(3).noneMatch(f -> f.contains(value))
                    .anyMatch(f -> f.endsWith("1x in System.err"))
                    .anyMatch(f -> f.contains("as base64") && f.endsWith("1x in System.out"))
                    // each record twice: its raw message and its formatted one
                    .anyMatch(f -> f.endsWith("6x in every other logger"));
            assertThat(r.leakedSecretBytes()).isEqualTo((1 + 1 + 6) * (long) value.length());
            assertThat(r.leakedKeys()).isZero();

            assertThat(System.out).isSameAs(out);
            assertThat(System.err).isSameAs(err);
            assertThat(okhttp.getLevel()).isEqualTo(Level.OFF);
            assertThat(okhttp.getUseParentHandlers()).isFalse();
            assertThat(driver.getLevel()).isNull();
            assertThat(Logger.getLogger("").getLevel()).isNotEqualTo(Level.ALL);
        } finally {
            okhttp.setLevel(null);
            okhttp.setUseParentHandlers(true);
        }
    }

    /**
     * The mutation "print the key to System.err" in a step of a scenario: the matrix's own
     * harness ({@link FaultMatrixTest#play}) reports it, only in System.err — the places the
     * audit searched before would have let it pass — and the tally fails.
     */
    @Test
    void theMatrixCatchesAStepThatPrintsTheKeyToSystemErr() throws Exception {
        AtomicReference<String> printed = new AtomicReference<>();
        FaultScenario leaky = new FaultScenario("adminApi: mint and revoke, a step prints the key to System.err",
                w -> {
                    FaultWorld.Controller c = w.controller();
                    MintedKey key = w.mint(c.broker(), FaultWorld.ADMIN_ROLE, "1");
                    System.err.println("OPENAI_API_KEY=" + key.value().reveal());
                    printed.set(key.value().reveal());
                    c.broker().revoke(key.handle());
                });
        FaultTally tally = new FaultTally();

        LeakAudit.Result r = FaultMatrixTest.play(leaky, tally);

        assertThat(r.findings()).singleElement().asString().endsWith("1x in System.err");
        assertThat(r.leakedSecretBytes()).isEqualTo(printed.get().length());
        assertThatThrownBy(tally::verify).isInstanceOf(AssertionError.class)
                .hasMessageContaining("leaked secret bytes: " + printed.get().length())
                .hasMessageContaining("System.err");
    }

    /**
     * The mutation "quote the Vault body in the malformed-creds message": the step below does
     * what that mutation makes the engine do — the refusal's message, logged at INFO by the
     * engine's logger and thrown to the caller, ends with the body Vault sent. With the old
     * malformed answer (no {@code api_key}) the body holds no secret, so the audit cannot see
     * the mutation; with the new one (the key, but no {@code lease_duration}) it does.
     */
    @Test
    void theMatrixCatchesAMalformedCredsMessageThatQuotesTheVaultBody() throws Exception {
        FaultTally tally = new FaultTally();
        LeakAudit.Result withoutKey = FaultMatrixTest.play(quotingTheBody(d -> ((ObjectNode) d.path("data"))
                .remove("api_key")), tally);
        LeakAudit.Result withKey = FaultMatrixTest.play(quotingTheBody(d -> d.remove("lease_duration")), tally);

        assertThat(withoutKey.findings()).as("nothing secret in a body without the key").isEmpty();
        assertThat(withKey.findings()).hasSize(3)
                .anyMatch(f -> f.endsWith("in captured log"))
                .anyMatch(f -> f.endsWith("1x in messages callers got"))
                .anyMatch(f -> f.endsWith("1x in System.err"));
        assertThat(withKey.leakedSecretBytes()).isPositive();
        assertThatThrownBy(tally::verify).hasMessageContaining("leaked secret bytes: " + withKey.leakedSecretBytes());
    }

    private static FaultScenario quotingTheBody(Consumer<ObjectNode> breakIt) {
        return new FaultScenario("vaultEngine: a malformed creds answer, refused with a message quoting its body", w -> {
            AtomicReference<String> body = new AtomicReference<>();
            w.wire.tamperNext("/v1/openai/creds/", original -> {
                try {
                    ObjectMapper json = new ObjectMapper();
                    ObjectNode tree = (ObjectNode) json.readTree(original);
                    breakIt.accept(tree);
                    body.set(json.writeValueAsString(tree));
                    return body.get();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            FaultWorld.Controller c = w.controller();
            EphemeralKeyException e = catchThrowableOfType(() -> w.mint(c.broker(), FaultWorld.ENGINE_ROLE, "1"),
                    EphemeralKeyException.class);
            assertThat(e).isNotNull();
            // the mutation: the message says what Vault sent
            String mutated = e.getMessage() + " (Vault sent: " + body.get() + ")";
            Logger.getLogger("io.jenkins.plugins.openaikeys.core.vault.OpenAiEngine").log(Level.INFO,
                    "Revoked Vault lease at once because: {0}", mutated);
            w.surfaced(new BrokerException(mutated));
            System.err.println(mutated);
        });
    }
}
