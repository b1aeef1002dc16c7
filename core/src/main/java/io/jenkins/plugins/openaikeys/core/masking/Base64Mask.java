package io.jenkins.plugins.openaikeys.core.masking;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The regular expression that masks every Base64 form of a secret a build can print: unwrapped
 * ({@code base64 -w0}), wrapped into lines by any encoder ({@code base64}, {@code openssl base64},
 * Python's {@code encodebytes}, MIME, PEM), standard or URL-safe alphabet, padded or not, at any of
 * the three byte alignments the secret can have inside a larger input.
 *
 * <p>Why a run of groups and not a list of strings: a wrapping encoder cuts its output into lines
 * at offsets that depend on how much data precedes the secret, so a line can hold any stretch of
 * the secret's encoding. What is invariant is the 4-character group: every group wholly inside the
 * secret appears verbatim. The expression therefore matches any run of at least
 * {@link #MIN_GROUPS} consecutive groups of the secret's encoding, wherever it starts, extended by
 * the characters of the first and last, shared groups that carry the secret's bits alone. Applied
 * to each line of the console, it masks every line that carries {@value #MIN_KEY_BYTES} or more
 * bytes of the secret.
 *
 * <p>Why {@value #MIN_GROUPS} groups ({@value #MIN_KEY_BYTES} bytes): a single group is 24 bits,
 * and with a few hundred groups per secret innocent Base64 (an artifact, a certificate) would hit
 * one every few hundred kilobytes; two consecutive groups are 48 bits, which innocent data matches
 * about once in 10^12 positions. The cost is what a line may still show where the secret's
 * encoding begins or ends: one group and the shared group's known characters, at most 5 bytes of
 * the secret at each end (for an OpenAI key the first ones are its public {@code sk-…} prefix),
 * and nothing in between. A secret shorter than {@value #MIN_KEY_BYTES} bytes gets no Base64 mask.
 *
 * <p>Size: linear in the secret, about 29 characters of expression per byte (5.7 K characters for a
 * 200-byte key), as each group is stored once, in tries, rather than every substring of the encoding.
 */
public final class Base64Mask {

    /** Consecutive whole groups a fragment must hold to be masked. */
    public static final int MIN_GROUPS = 2;

    /** Secret bytes those groups encode. */
    public static final int MIN_KEY_BYTES = 3 * MIN_GROUPS;

    /**
     * Every match starts with at least this many Base64 characters (either alphabet) in a row. Spelt
     * out rather than as ranges: {@link Pattern} turns a class of single characters into a table
     * lookup, which makes this pre-check cheap enough to pay off on ordinary text.
     */
    private static final String GUARD = "(?=[" + LiteralTrie.quote(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_") + "]{" + 4 * MIN_GROUPS + "})";

    private Base64Mask() {
    }

    /**
     * The expression for all of {@code secrets}, or "" when none is long enough to have one. The
     * result is as secret as the secrets: keep it encrypted and out of logs.
     */
    public static String regex(Collection<? extends CharSequence> secrets) {
        List<Base64Stream> streams = new ArrayList<>();
        for (CharSequence secret : secrets) {
            byte[] bytes = secret.toString().getBytes(StandardCharsets.UTF_8);
            for (int alignment = 0; alignment < 3; alignment++) {
                streams.add(Base64Stream.of(bytes, alignment, false));
                streams.add(Base64Stream.of(bytes, alignment, true));
            }
        }
        return regexOf(streams);
    }

    /** {@link #regex} compiled, or null when there is nothing to mask. */
    public static Pattern pattern(Collection<? extends CharSequence> secrets) {
        String regex = regex(secrets);
        return regex.isEmpty() ? null : Pattern.compile(regex);
    }

    static String regexOf(List<Base64Stream> streams) {
        LiteralTrie linked = new LiteralTrie(); // a group, when the next one follows
        LiteralTrie followers = new LiteralTrie(); // any group that has a predecessor
        LiteralTrie heads = new LiteralTrie(); // the first group's known characters, before the first group
        List<String> tails = new ArrayList<>();
        for (Base64Stream s : streams) {
            List<String> g = s.groups();
            if (g.size() < MIN_GROUPS) {
                continue;
            }
            for (int i = 0; i + 1 < g.size(); i++) {
                linked.add(g.get(i), "(?=" + LiteralTrie.quote(g.get(i + 1)) + ")");
                followers.add(g.get(i + 1), "");
            }
            if (!s.head().isEmpty()) {
                heads.add(s.head(), "(?=" + LiteralTrie.quote(g.get(0)) + ")");
            }
            if (!s.tailKey().isEmpty()) {
                tails.add("(?<=" + LiteralTrie.quote(g.get(g.size() - 1)) + ")" + LiteralTrie.quote(s.tailKey())
                        + "(?:" + LiteralTrie.quote(s.tailEnd().substring(0, 1)) + "=*)?");
            }
        }
        if (linked.isEmpty()) {
            return "";
        }
        // MIN_GROUPS - 1 or more linked groups, then the group the last one announced.
        String head = heads.isEmpty() ? "" : heads.regex() + "?";
        return GUARD + head + linked.regex() + "{" + (MIN_GROUPS - 1) + ",}" + followers.regex() + optional(tails);
    }

    private static String optional(List<String> alternatives) {
        List<String> distinct = alternatives.stream().distinct().sorted().toList();
        return distinct.isEmpty() ? "" : "(?:" + String.join("|", distinct) + ")?";
    }
}
