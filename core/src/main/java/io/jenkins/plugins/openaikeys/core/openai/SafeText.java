package io.jenkins.plugins.openaikeys.core.openai;

import java.util.regex.Pattern;

/**
 * Makes text that came from OpenAI fit into one of our messages: key-shaped tokens
 * ({@code sk-…}, even OpenAI's own half-redacted echo of a key) are blanked, whitespace is
 * collapsed, and the result is cut to about 200 characters.
 */
final class SafeText {

    static final int MAX = 200;

    private static final Pattern KEY_LIKE = Pattern.compile("\\bsk-[A-Za-z0-9_\\-*]*(\\.\\.\\.[A-Za-z0-9]+)?");
    private static final Pattern BEARER = Pattern.compile("(?i)bearer\\s+\\S+");

    private SafeText() {
    }

    static String of(String text) {
        if (text == null) {
            return null;
        }
        String s = KEY_LIKE.matcher(text).replaceAll("sk-****");
        s = BEARER.matcher(s).replaceAll("Bearer ****");
        s = s.replaceAll("\\s+", " ").trim();
        if (s.length() > MAX) {
            s = s.substring(0, MAX - 1).trim() + "…";
        }
        return s;
    }
}
