package io.jenkins.plugins.openaikeys.core.masking;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Builds one regular expression that matches any of a set of literals, each followed by its own
 * continuation (a regex fragment such as a lookahead).
 *
 * <p>Why a trie: {@link java.util.regex.Pattern} tries the branches of an alternation one after
 * the other at every position of a line. With hundreds of literals that is hundreds of tries per
 * character; sharing prefixes leaves at most one branch per distinct first character.
 */
final class LiteralTrie {

    /** Widest alternation tried branch by branch. */
    private static final int FAN_OUT = 8;

    private final Node root = new Node();

    /** Adds {@code literal}, to be followed by {@code continuation} ("" for none). */
    LiteralTrie add(String literal, String continuation) {
        Node n = root;
        for (int i = 0; i < literal.length(); i++) {
            n = n.children.computeIfAbsent(literal.charAt(i), c -> new Node());
        }
        n.continuations.add(continuation);
        return this;
    }

    boolean isEmpty() {
        return root.children.isEmpty();
    }

    /** The expression, a non-capturing group; "(?!)" (never matches) when empty. */
    String regex() {
        return isEmpty() ? "(?!)" : "(?:" + body(root) + ")";
    }

    private static String body(Node n) {
        return branches(new ArrayList<>(n.children.entrySet()));
    }

    /**
     * The alternation of {@code children}. A wide one is split in halves, each behind a lookahead
     * on its first characters (a class of single characters, a table lookup), so a position is
     * rejected after a few lookups instead of one comparison per branch.
     */
    private static String branches(List<Map.Entry<Character, Node>> children) {
        if (children.size() > FAN_OUT) {
            int half = children.size() / 2;
            List<Map.Entry<Character, Node>> low = children.subList(0, half);
            List<Map.Entry<Character, Node>> high = children.subList(half, children.size());
            return "(?=" + firstChars(low) + ")(?:" + branches(low) + ")|(?=" + firstChars(high) + ")(?:"
                    + branches(high) + ")";
        }
        StringBuilder out = new StringBuilder();
        String sep = "";
        for (Map.Entry<Character, Node> e : children) {
            out.append(sep).append(quote(e.getKey()));
            Node child = e.getValue();
            if (child.children.isEmpty()) {
                out.append(continuations(child.continuations));
            } else if (child.continuations.isEmpty() && child.children.size() == 1) {
                out.append(body(child));
            } else {
                String more = child.continuations.isEmpty() ? "" : "|" + continuations(child.continuations);
                out.append("(?:").append(body(child)).append(more).append(')');
            }
            sep = "|";
        }
        return out.toString();
    }

    private static String firstChars(List<Map.Entry<Character, Node>> children) {
        StringBuilder out = new StringBuilder("[");
        for (Map.Entry<Character, Node> e : children) {
            out.append(quote(e.getKey()));
        }
        return out.append(']').toString();
    }

    private static String continuations(Set<String> all) {
        if (all.size() == 1) {
            return all.iterator().next();
        }
        return "(?:" + String.join("|", all) + ")";
    }

    /**
     * A character of a Base64 alphabet (or '='), escaped unless it is an ASCII letter or digit, so it
     * means itself both outside and inside a character class ('-' would make a range there).
     */
    static String quote(char c) {
        boolean plain = c < 128 && Character.isLetterOrDigit(c);
        return plain ? String.valueOf(c) : "\\" + c;
    }

    static String quote(String literal) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < literal.length(); i++) {
            out.append(quote(literal.charAt(i)));
        }
        return out.toString();
    }

    private static final class Node {
        final Map<Character, Node> children = new TreeMap<>();
        final Set<String> continuations = new TreeSet<>();
    }
}
