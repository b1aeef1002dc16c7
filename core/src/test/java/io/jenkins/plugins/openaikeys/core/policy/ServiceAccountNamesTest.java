package io.jenkins.plugins.openaikeys.core.policy;

import io.jenkins.plugins.openaikeys.core.broker.BrokerException;
import io.jenkins.plugins.openaikeys.core.broker.MintRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServiceAccountNamesTest {

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-]{3,64}");
    private static final Instant EXPIRY = Instant.ofEpochSecond(1763812345);

    /** Returns the given suffix characters, in order, as the "random" choices. */
    private static RandomGenerator scripted(String chars) {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        return new RandomGenerator() {
            int i;

            @Override
            public long nextLong() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int nextInt(int bound) {
                return alphabet.indexOf(chars.charAt(i++ % chars.length()));
            }
        };
    }

    @Test
    void defaultTemplateGivesTheDocumentedExample() {
        ServiceAccountNames names = new ServiceAccountNames("jk", scripted("a7k2"));
        assertThat(names.render(null, "evals", "team/app", "42", EXPIRY))
                .isEqualTo("jk-evals-team_app-42-1763812345-a7k2");
        Role role = Roles.adminApi("evals", "o", "p", Duration.ofHours(1), Duration.ofHours(1));
        assertThat(new ServiceAccountNames("jk", scripted("a7k2")).render(role, new MintRequest("team/app", "42"), EXPIRY))
                .isEqualTo("jk-evals-team_app-42-1763812345-a7k2");
    }

    @Test
    void parseReadsPrefixExpiryAndSuffixFromTheEnds() {
        assertThat(ServiceAccountNames.parse("jk-evals-team_app-42-1763812345-a7k2")).hasValue(
                new ServiceAccountNames.ParsedName("jk", EXPIRY, "a7k2"));
        // a role with dashes (custom template literal) does not confuse parsing
        assertThat(ServiceAccountNames.parse("ci_1-my-role-x--y-1763812345-0000")).hasValue(
                new ServiceAccountNames.ParsedName("ci_1", EXPIRY, "0000"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "ab", "my-service-account", "jk-evals-1763812345-ABCD", "jk-evals-17638x2345-a7k2",
            "jk-1763812345-a7k", "-evals-1763812345-a7k2", "jk.x-evals-1763812345-a7k2", "jk-1763812345",
            "jk evals-1763812345-a7k2", "jk-evals-1763812345-a7k2-", "abcdefghijklmnopq-1763812345-a7k2"})
    void parseRejectsNamesThisClassCannotProduce(String name) {
        assertThat(ServiceAccountNames.parse(name)).isEmpty();
    }

    @Test
    void parseRejectsNullAndOverlongNames() {
        assertThat(ServiceAccountNames.parse(null)).isEmpty();
        assertThat(ServiceAccountNames.parse("jk-" + "x".repeat(50) + "-1763812345-a7k2")).isEmpty();
    }

    @Test
    void minimalTemplateStillParses() {
        ServiceAccountNames names = new ServiceAccountNames("jk", scripted("zz99"));
        String n = names.render("{prefix}-{expiry}-{random}", "evals", "team/app", "42", EXPIRY);
        assertThat(n).isEqualTo("jk-1763812345-zz99");
        assertThat(ServiceAccountNames.parse(n)).hasValue(new ServiceAccountNames.ParsedName("jk", EXPIRY, "zz99"));
    }

    @Test
    void customTemplateWithLiterals() {
        ServiceAccountNames names = new ServiceAccountNames("ctl_2", scripted("abcd"));
        assertThat(names.render("{prefix}-jenkins-{job}_{build}-{role}-{expiry}-{random}", "team.evals",
                "folder/My Job", "7", EXPIRY)).isEqualTo("ctl_2-jenkins-folder_My_Job_7-team_evals-1763812345-abcd");
    }

    @Test
    void expiryIsRoundedUpToWholeSeconds() {
        ServiceAccountNames names = new ServiceAccountNames("jk", scripted("abcd"));
        String n = names.render(null, "r", "j", "1", EXPIRY.plusMillis(1));
        assertThat(ServiceAccountNames.parse(n).orElseThrow().expiresAt()).isEqualTo(EXPIRY.plusSeconds(1));
    }

    @Test
    void longJobIsTruncatedFirstKeepingItsEnd() {
        ServiceAccountNames names = new ServiceAccountNames("jk", scripted("abcd"));
        String job = "org/" + "x".repeat(100) + "/my-service";
        String n = names.render(null, "evals", job, "42", EXPIRY);
        assertThat(n).hasSize(64).startsWith("jk-evals-").endsWith("_my_service-42-1763812345-abcd");
    }

    @Test
    void roleThenBuildAreTruncatedOnlyWhenTheJobCannotShrinkFurther() {
        ServiceAccountNames names = new ServiceAccountNames("jk", scripted("abcd"));
        String role = "r".repeat(64);
        String n = names.render(null, role, "team/app", "12345", EXPIRY);
        assertThat(n).hasSize(64);
        String[] f = n.split("-");
        assertThat(f[2]).isEqualTo("p"); // job shrunk to its last character
        assertThat(f[3]).isEqualTo("12345"); // build intact
        assertThat(f[1]).hasSize(64 - "jk--p-12345-1763812345-abcd".length());

        String build = "b".repeat(80);
        String m = new ServiceAccountNames("abcdefghijklmnop", scripted("abcd")).render(null, role, "j", build, EXPIRY);
        assertThat(m).hasSize(64).matches(VALID);
        String[] g = m.split("-");
        assertThat(g[1]).isEqualTo("r");
        assertThat(g[2]).isEqualTo("j");
        assertThat(ServiceAccountNames.parse(m)).hasValue(
                new ServiceAccountNames.ParsedName("abcdefghijklmnop", EXPIRY, "abcd"));
    }

    @Test
    void propertyNamesAreAlwaysValidAndRoundTripPrefixAndExpiry() {
        Random random = new Random(20261122);
        String jobChars = "abcXYZ019_-/ ./:@()[]{}ÄéßЖ中😀\t";
        String roleChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-";
        String prefixChars = "abcxyzABC019_";
        List<String> templates = List.of(ServiceAccountNames.DEFAULT_TEMPLATE, "{prefix}-{expiry}-{random}",
                "{prefix}-{job}-{expiry}-{random}", "{prefix}-ci-{build}-{role}-{job}-{expiry}-{random}",
                "{prefix}-{role}_{job}_{build}-{expiry}-{random}");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 5000; i++) {
            String prefix = randomString(random, prefixChars, 1 + random.nextInt(16));
            String role = randomString(random, roleChars, 1 + random.nextInt(64));
            String job = randomString(random, jobChars, 1 + random.nextInt(random.nextBoolean() ? 20 : 400));
            String build = Integer.toString(random.nextInt(random.nextBoolean() ? 100 : Integer.MAX_VALUE));
            Instant expiry = Instant.ofEpochSecond(1_700_000_000L + random.nextInt(400_000_000), random.nextInt(1_000_000_000));
            String template = templates.get(random.nextInt(templates.size()));
            ServiceAccountNames names = new ServiceAccountNames(prefix, new Random(i));

            String name = names.render(template, role, job, build, expiry);

            assertThat(name).as("job=%s role=%s", job, role).matches(VALID);
            ServiceAccountNames.ParsedName parsed = ServiceAccountNames.parse(name).orElseThrow(
                    () -> new AssertionError("unparseable: " + name));
            assertThat(parsed.prefix()).isEqualTo(prefix);
            assertThat(parsed.expiresAt()).isBetween(expiry, expiry.plusSeconds(1))
                    .isEqualTo(Instant.ofEpochSecond(ServiceAccountNames.epochSecondsRoundedUp(expiry)));
            assertThat(parsed.random()).matches("[a-z0-9]{4}");
            if (template.equals(ServiceAccountNames.DEFAULT_TEMPLATE)) {
                String sanitisedRole = ServiceAccountNames.sanitise(role);
                int fixed = prefix.length() + sanitisedRole.length() + build.length() + 5 + 10 + 4;
                if (fixed + 1 <= 64) { // role and build fit when the job alone shrinks
                    assertThat(name).startsWith(prefix + "-" + sanitisedRole + "-")
                            .contains("-" + build + "-" + parsed.expiresAt().getEpochSecond() + "-");
                    String sanitisedJob = ServiceAccountNames.sanitise(job);
                    String jobPart = name.substring(prefix.length() + sanitisedRole.length() + 2,
                            name.length() - build.length() - 17);
                    assertThat(sanitisedJob).endsWith(jobPart);
                    assertThat(jobPart).isNotEmpty();
                }
            }
            seen.add(name);
        }
        assertThat(seen).hasSizeGreaterThan(4990);
    }

    private static String randomString(Random random, String chars, int length) {
        int[] cps = chars.codePoints().toArray();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            b.appendCodePoint(cps[random.nextInt(cps.length)]);
        }
        return b.toString();
    }

    @Test
    void sanitiseMapsEverythingOutsideTheSafeSetToUnderscore() {
        assertThat(ServiceAccountNames.sanitise("team/app-1 Ä.x")).isEqualTo("team_app_1___x");
        assertThat(ServiceAccountNames.sanitise("")).isEqualTo("_");
    }

    @Test
    void namesAreUniqueAcrossRepeatedRenders() {
        ServiceAccountNames names = new ServiceAccountNames();
        Set<String> all = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            all.add(names.render(null, "evals", "team/app", "42", EXPIRY));
        }
        assertThat(all).hasSizeGreaterThan(495);
    }

    @Test
    void freshRandomKeepsEverythingButTheSuffix() {
        ServiceAccountNames names = new ServiceAccountNames("jk", scripted("abcdwxyz"));
        String first = names.render(null, "evals", "team/app", "42", EXPIRY);
        assertThat(first).isEqualTo("jk-evals-team_app-42-1763812345-abcd");
        assertThat(names.withFreshRandom(first)).isEqualTo("jk-evals-team_app-42-1763812345-wxyz");
        assertThatThrownBy(() -> names.withFreshRandom("not-ours")).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "jk-1", "a b", "abcdefghijklmnopq", "ü"})
    void rejectsBadPrefixes(String prefix) {
        assertThatThrownBy(() -> new ServiceAccountNames(prefix)).isInstanceOf(BrokerException.class)
                .hasMessage("Service-account name prefix '" + prefix
                        + "' is not valid: use 1 to 16 letters, digits or '_'");
    }

    @Test
    void templateValidationExplainsEachMistake() {
        assertThatThrownBy(() -> ServiceAccountNames.validateTemplate(" "))
                .hasMessage("The service-account name template is empty: use e.g. " + ServiceAccountNames.DEFAULT_TEMPLATE);
        assertThatThrownBy(() -> ServiceAccountNames.validateTemplate("{role}-{prefix}-{expiry}-{random}"))
                .hasMessage("Service-account name template '{role}-{prefix}-{expiry}-{random}' must start with"
                        + " {prefix}- and end with -{expiry}-{random} so that names stay unique and the orphan"
                        + " sweeper can read them back");
        assertThatThrownBy(() -> ServiceAccountNames.validateTemplate("{prefix}-{role}-{expiry}"))
                .hasMessageContaining("must start with {prefix}- and end with -{expiry}-{random}");
        assertThatThrownBy(() -> ServiceAccountNames.validateTemplate("{prefix}-{random}-{role}"))
                .hasMessageContaining("must start with");
        assertThatThrownBy(() -> ServiceAccountNames.validateTemplate("{prefix}-{team}-{expiry}-{random}"))
                .hasMessage("Service-account name template '{prefix}-{team}-{expiry}-{random}' uses unknown"
                        + " placeholder {team}: use only {prefix}, {role}, {job}, {build}, {expiry} and {random}");
        assertThatThrownBy(() -> ServiceAccountNames.validateTemplate("{prefix}-{job}-{job}-{expiry}-{random}"))
                .hasMessage("Service-account name template '{prefix}-{job}-{job}-{expiry}-{random}' uses {job}"
                        + " twice: use each placeholder at most once");
        assertThatThrownBy(() -> ServiceAccountNames.validateTemplate("{prefix}-{expiry}-{random}-{expiry}-{random}"))
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> ServiceAccountNames.validateTemplate("{prefix}-a.b-{expiry}-{random}"))
                .hasMessage("Service-account name template '{prefix}-a.b-{expiry}-{random}' contains '-a.b-':"
                        + " outside placeholders use only letters, digits, '_' and '-'");
        assertThatThrownBy(() -> ServiceAccountNames.validateTemplate("{prefix}-{ro{le}-{expiry}-{random}"))
                .hasMessageContaining("unbalanced braces");
        assertThatThrownBy(() -> ServiceAccountNames.validateTemplate("{prefix}-ro}le-{expiry}-{random}"))
                .hasMessageContaining("unbalanced braces");
        assertThatThrownBy(() -> ServiceAccountNames.validateTemplate("{prefix}-" + "x".repeat(32) + "-{expiry}-{random}"))
                .hasMessageContaining("too much fixed text to fit in 64 characters");
        ServiceAccountNames.validateTemplate("{prefix}-" + "x".repeat(31) + "-{expiry}-{random}"); // 16+1+31+1+10+1+4 = 64
    }

    /** LiteLLM's alias check (litellm.enable_key_alias_format_validation), as its proxy applies it. */
    private static final Pattern LITELLM_ALIAS = Pattern.compile("^[a-zA-Z0-9][a-zA-Z0-9_\\-/\\.@]{0,253}[a-zA-Z0-9]$");

    @ParameterizedTest
    @ValueSource(strings = {"jk", "Team1", "9lives", "a_b"})
    void prefixStartingWithALetterOrDigitGivesAliasesLiteLlmAccepts(String prefix) {
        assertThat(ServiceAccountNames.liteLlmAliasProblem(prefix)).isNull();
        String alias = new ServiceAccountNames(prefix).render(null, "chat", "team/app", "42",
                Instant.parse("2026-12-07T01:00:00Z"));
        assertThat(alias).matches(LITELLM_ALIAS);
    }

    @Test
    void prefixStartingWithUnderscoreIsNamedAsALiteLlmAliasProblem() {
        ServiceAccountNames.checkPrefix("_ci");
        String alias = new ServiceAccountNames("_ci").render(null, "chat", "team/app", "42",
                Instant.parse("2026-12-07T01:00:00Z"));
        assertThat(alias).doesNotMatch(LITELLM_ALIAS);
        assertThat(ServiceAccountNames.liteLlmAliasProblem("_ci")).isEqualTo("Prefix '_ci' starts with '_', so a"
                + " LiteLLM proxy that validates key aliases refuses the keys of litellmProxy organizations: start it"
                + " with a letter or digit");
    }
}
