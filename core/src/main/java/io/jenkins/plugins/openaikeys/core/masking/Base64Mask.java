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
 * A line width that is not a multiple of 4 leaves up to 3 more characters
 * at each end of a line.
 *
 * <p>Size and speed: linear in the secret, about 22 characters of expression per byte (4.4 K for a
 * 200-byte key), as each group is stored once, in a trie, rather than every substring of the
 * encoding; the trie, not a flat alternation, keeps the work per character of a line small.
 */
public final class Base64Mask {

    /** Consecutive whole groups a fragment must hold to be masked. */
    public static final int MIN_GROUPS = 2;

    /** Secret bytes those groups encode. */
    public static final int MIN_KEY_BYTES = 3 * MIN_GROUPS;

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
        List<String> tails = new ArrayList<>();
        for (Base64Stream s : streams) {
            List<String> g = s.groups();
            if (g.size() < MIN_GROUPS) {
                continue;
            }
            for (int i = 0; i + 1 < g.size(); i++) {
                // The first group also comes with the shared group's known characters before it: one
                // trie for both, as an optional prefix tried at every position costs as much as the trie.
                String lead = i == 0 ? s.head() + g.get(0) : g.get(i);
                String next = "(?=" + LiteralTrie.quote(g.get(i + 1)) + ")";
                linked.add(lead, next);
                if (i == 0 && !s.head().isEmpty()) {
                    linked.add(g.get(0), next);
                }
                followers.add(g.get(i + 1), "");
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
        return linked.regex() + "{" + (MIN_GROUPS - 1) + ",}" + followers.regex() + optional(tails);
    }

    private static String optional(List<String> alternatives) {
        List<String> distinct = alternatives.stream().distinct().sorted().toList();
        return distinct.isEmpty() ? "" : "(?:" + String.join("|", distinct) + ")?";
    }
}
