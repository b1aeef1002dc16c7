package io.jenkins.plugins.openaikeys.core.openai.fake;

import java.util.regex.Pattern;

/**
 * A path template such as {@code /organization/projects/{p}/service_accounts} or
 * {@code /organization/projects/*\/service_accounts}: {@code {name}} and {@code *} match one
 * path segment.
 */
final class PathPattern {

    private final Pattern regex;

    private PathPattern(Pattern regex) {
        this.regex = regex;
    }

    static PathPattern of(String template) {
        StringBuilder b = new StringBuilder();
        for (String segment : template.replaceAll("^/+|/+$", "").split("/", -1)) {
            b.append('/');
            b.append(segment.equals("*") || segment.matches("\\{[^}]*}") ? "[^/]+" : Pattern.quote(segment));
        }
        return new PathPattern(Pattern.compile(b.toString()));
    }

    boolean matches(String path) {
        return regex.matcher(path).matches();
    }

    /** Template with every placeholder written as {@code {}}, for comparing templates. */
    static String normalize(String key) {
        return key.replaceAll("\\{[^}]*}", "{}").replace("*", "{}");
    }
}
