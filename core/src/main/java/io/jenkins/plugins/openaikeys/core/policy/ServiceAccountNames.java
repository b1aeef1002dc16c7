package io.jenkins.plugins.openaikeys.core.policy;

import io.jenkins.plugins.openaikeys.core.broker.BrokerException;
import io.jenkins.plugins.openaikeys.core.broker.MintRequest;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * Builds the name of every service account this controller creates, and reads it back.
 *
 * <p>Why the name matters: it is the only free-text field OpenAI keeps, so it carries the
 * audit trail (role, job, build), and it is the backstop if Jenkins dies — the orphan
 * sweeper lists accounts, keeps those whose name starts with this controller's prefix and
 * deletes those whose expiry stamp has passed. A random suffix keeps names unique, so that
 * an ambiguous create can be reconciled by name.
 *
 * <p>Format: a template of placeholders {@code {prefix} {role} {job} {build} {expiry}
 * {random}} and literal {@code [A-Za-z0-9_-]}; the default is
 * {@value #DEFAULT_TEMPLATE}, e.g. {@code jk-evals-team_app-42-1763812345-a7k2}. Every
 * template starts with {@code {prefix}-} and ends with {@code -{expiry}-{random}}, so
 * {@link #parse} reads a name from both ends: the first dash-separated field is the
 * prefix, the last two are the expiry (unix seconds) and the random suffix. Role, job and
 * build are reduced to {@code [A-Za-z0-9_]} (anything else, {@code /} included, becomes
 * {@code _}) so that they never add a dash. A rendered name is always 3–64 characters of
 * {@code [A-Za-z0-9_-]}: when too long the job is shortened first (keeping its end, where
 * the job's own name is), then the role, then the build, each to no less than one
 * character.
 */
public final class ServiceAccountNames {

    public static final String DEFAULT_PREFIX = "jk";
    public static final String DEFAULT_TEMPLATE = "{prefix}-{role}-{job}-{build}-{expiry}-{random}";
    public static final int MIN_LENGTH = 3;
    public static final int MAX_LENGTH = 64;
    public static final int MAX_PREFIX_LENGTH = 16;
    static final int RANDOM_LENGTH = 4;
    /** Unix seconds stay at 10 digits until the year 2286. */
    private static final int EXPIRY_MAX_DIGITS = 10;

    private static final String START = "{prefix}-";
    private static final String END = "-{expiry}-{random}";
    private static final Set<String> PLACEHOLDERS = Set.of("prefix", "role", "job", "build", "expiry", "random");
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_]{1," + MAX_PREFIX_LENGTH + "}");
    private static final Pattern LITERAL = Pattern.compile("[A-Za-z0-9_-]*");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{" + MIN_LENGTH + "," + MAX_LENGTH + "}");
    private static final Pattern RANDOM = Pattern.compile("[a-z0-9]{" + RANDOM_LENGTH + "}");
    private static final Pattern EXPIRY = Pattern.compile("\\d{1,12}");
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    /** The parts of a name the sweeper needs: whose it is and when it may be deleted. */
    public record ParsedName(String prefix, Instant expiresAt, String random) {
    }

    private final String prefix;
    private final RandomGenerator random;
    private final Object randomLock = new Object();

    /** Prefix {@value #DEFAULT_PREFIX}, secure random suffixes. */
    public ServiceAccountNames() {
        this(DEFAULT_PREFIX);
    }

    public ServiceAccountNames(String prefix) {
        this(prefix, new SecureRandom());
    }

    /**
     * @param prefix marks this controller's accounts: 1–16 of {@code [A-Za-z0-9_]}
     * @param random source of the 4-character suffix
     */
    public ServiceAccountNames(String prefix, RandomGenerator random) {
        checkPrefix(prefix);
        this.prefix = prefix;
        this.random = Objects.requireNonNull(random, "random");
    }

    /** Throws a {@link BrokerException} unless {@code prefix} is usable as a name prefix. */
    public static void checkPrefix(String prefix) {
        if (prefix == null || !PREFIX.matcher(prefix).matches()) {
            throw new BrokerException("Service-account name prefix '" + prefix
                    + "' is not valid: use 1 to " + MAX_PREFIX_LENGTH + " letters, digits or '_'");
        }
    }

    /**
     * Why a valid {@code prefix} still makes LiteLLM key aliases a proxy may refuse, or null. A proxy
     * with {@code enable_key_alias_format_validation} on wants an alias to start with a letter or
     * digit, and names built here start with the prefix; the check is off by default in LiteLLM, so
     * this is a warning, not an error.
     */
    public static String liteLlmAliasProblem(String prefix) {
        if (prefix == null || prefix.isEmpty() || Character.isLetterOrDigit(prefix.charAt(0))) {
            return null;
        }
        return "Prefix '" + prefix + "' starts with '" + prefix.charAt(0) + "', so a LiteLLM proxy that validates key"
                + " aliases refuses the keys of litellmProxy organizations: start it with a letter or digit";
    }

    public String prefix() {
        return prefix;
    }

    /** The name for one mint of {@code role}, using the role's template or the default. */
    public String render(Role role, MintRequest request, Instant expiresAt) {
        return render(role.nameTemplate(), role.name(), request.jobFullName(), request.buildId(), expiresAt);
    }

    /**
     * @param templateOrNull a template accepted by {@link #checkTemplate}; null = default
     * @return a fresh name of 3–64 characters of {@code [A-Za-z0-9_-]}
     */
    public String render(String templateOrNull, String roleName, String jobFullName, String buildId,
                         Instant expiresAt) {
        String template = templateOrNull == null ? DEFAULT_TEMPLATE : templateOrNull;
        List<Token> tokens = checkTemplate(template);
        String role = sanitise(roleName);
        String job = sanitise(jobFullName);
        String build = sanitise(buildId);
        String expiry = Long.toString(epochSecondsRoundedUp(expiresAt));
        String suffix = randomSuffix();

        int fixed = 0;
        int variable = 0;
        for (Token t : tokens) {
            switch (t.text) {
                case "{prefix}" -> fixed += prefix.length();
                case "{expiry}" -> fixed += expiry.length();
                case "{random}" -> fixed += suffix.length();
                case "{role}" -> variable += role.length();
                case "{job}" -> variable += job.length();
                case "{build}" -> variable += build.length();
                default -> fixed += t.text.length();
            }
        }
        int excess = fixed + variable - MAX_LENGTH;
        if (excess > 0 && tokens.stream().anyMatch(t -> t.text.equals("{job}"))) {
            int cut = Math.min(excess, job.length() - 1);
            job = job.substring(cut); // keep the end: the job's own name
            excess -= cut;
        }
        if (excess > 0 && tokens.stream().anyMatch(t -> t.text.equals("{role}"))) {
            int cut = Math.min(excess, role.length() - 1);
            role = role.substring(0, role.length() - cut);
            excess -= cut;
        }
        if (excess > 0 && tokens.stream().anyMatch(t -> t.text.equals("{build}"))) {
            int cut = Math.min(excess, build.length() - 1);
            build = build.substring(0, build.length() - cut);
            excess -= cut;
        }
        if (excess > 0) {
            // checkTemplate bounds the fixed part, so this means a far-future expiry.
            throw new BrokerException("Expiry " + expiresAt + " does not fit in a service-account name:"
                    + " use a shorter TTL");
        }
        StringBuilder name = new StringBuilder(MAX_LENGTH);
        for (Token t : tokens) {
            name.append(switch (t.text) {
                case "{prefix}" -> prefix;
                case "{role}" -> role;
                case "{job}" -> job;
                case "{build}" -> build;
                case "{expiry}" -> expiry;
                case "{random}" -> suffix;
                default -> t.text;
            });
        }
        return name.toString();
    }

    /**
     * The same name with a new random suffix: for a create that must be retried under a
     * different name while keeping role, job, build and expiry.
     */
    public String withFreshRandom(String name) {
        if (parse(name).isEmpty()) {
            throw new IllegalArgumentException("not a service-account name of this plugin: " + name);
        }
        return name.substring(0, name.length() - RANDOM_LENGTH) + randomSuffix();
    }

    /**
     * Reads prefix and expiry back from a name; empty for any name this class could not
     * have produced (the sweeper then leaves the account alone).
     */
    public static Optional<ParsedName> parse(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        String[] fields = name.split("-", -1);
        if (fields.length < 3) {
            return Optional.empty();
        }
        String first = fields[0];
        String expiry = fields[fields.length - 2];
        String suffix = fields[fields.length - 1];
        if (!PREFIX.matcher(first).matches() || !EXPIRY.matcher(expiry).matches()
                || !RANDOM.matcher(suffix).matches()) {
            return Optional.empty();
        }
        return Optional.of(new ParsedName(first, Instant.ofEpochSecond(Long.parseLong(expiry)), suffix));
    }

    /**
     * Throws a {@link BrokerException} with one sentence unless {@code template} can always
     * render a valid, unique, parseable name; the configuration page validates with this.
     */
    public static void validateTemplate(String template) {
        checkTemplate(template);
    }

    private static List<Token> checkTemplate(String template) {
        if (template == null || template.isBlank()) {
            throw new BrokerException("The service-account name template is empty: use e.g. " + DEFAULT_TEMPLATE);
        }
        if (!template.startsWith(START) || !template.endsWith(END)) {
            throw new BrokerException("Service-account name template '" + template + "' must start with "
                    + START + " and end with " + END
                    + " so that names stay unique and the orphan sweeper can read them back");
        }
        List<Token> tokens = tokenize(template);
        Set<String> seen = new HashSet<>();
        int minimum = 0;
        for (Token t : tokens) {
            if (t.placeholder) {
                String p = t.text.substring(1, t.text.length() - 1);
                if (!PLACEHOLDERS.contains(p)) {
                    throw new BrokerException("Service-account name template '" + template
                            + "' uses unknown placeholder " + t.text
                            + ": use only {prefix}, {role}, {job}, {build}, {expiry} and {random}");
                }
                if (!seen.add(p)) {
                    throw new BrokerException("Service-account name template '" + template + "' uses "
                            + t.text + " twice: use each placeholder at most once");
                }
                minimum += switch (p) {
                    case "prefix" -> MAX_PREFIX_LENGTH;
                    case "expiry" -> EXPIRY_MAX_DIGITS;
                    case "random" -> RANDOM_LENGTH;
                    default -> 1;
                };
            } else {
                if (!LITERAL.matcher(t.text).matches()) {
                    throw new BrokerException("Service-account name template '" + template
                            + "' contains '" + t.text + "': outside placeholders use only letters, digits,"
                            + " '_' and '-'");
                }
                minimum += t.text.length();
            }
        }
        if (minimum > MAX_LENGTH) {
            throw new BrokerException("Service-account name template '" + template
                    + "' has too much fixed text to fit in " + MAX_LENGTH + " characters: shorten it");
        }
        return tokens;
    }

    private static List<Token> tokenize(String template) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        while (i < template.length()) {
            int open = template.indexOf('{', i);
            int close = template.indexOf('}', i);
            if (open < 0) {
                if (close >= 0) {
                    throw unbalanced(template);
                }
                tokens.add(new Token(template.substring(i), false));
                break;
            }
            if (close >= 0 && close < open) {
                throw unbalanced(template);
            }
            if (open > i) {
                tokens.add(new Token(template.substring(i, open), false));
            }
            int end = template.indexOf('}', open);
            if (end < 0 || template.indexOf('{', open + 1) >= 0 && template.indexOf('{', open + 1) < end) {
                throw unbalanced(template);
            }
            tokens.add(new Token(template.substring(open, end + 1), true));
            i = end + 1;
        }
        return tokens;
    }

    private static BrokerException unbalanced(String template) {
        return new BrokerException("Service-account name template '" + template
                + "' has unbalanced braces: write placeholders like {role}");
    }

    /** Maps every character outside {@code [A-Za-z0-9_]} to {@code _}; "/" included. */
    static String sanitise(String value) {
        if (value == null || value.isEmpty()) {
            return "_";
        }
        StringBuilder b = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_';
            b.append(ok ? c : '_');
        }
        return b.toString();
    }

    static long epochSecondsRoundedUp(Instant instant) {
        Objects.requireNonNull(instant, "expiresAt");
        return instant.getEpochSecond() + (instant.getNano() > 0 ? 1 : 0);
    }

    private String randomSuffix() {
        char[] c = new char[RANDOM_LENGTH];
        synchronized (randomLock) {
            for (int i = 0; i < c.length; i++) {
                c[i] = ALPHABET[random.nextInt(ALPHABET.length)];
            }
        }
        return new String(c);
    }

    private record Token(String text, boolean placeholder) {
    }
}
