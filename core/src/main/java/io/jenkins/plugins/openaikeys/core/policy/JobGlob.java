package io.jenkins.plugins.openaikeys.core.policy;

import java.util.regex.Pattern;

/**
 * One entry of a role's allowed jobs, matched against a job's full name
 * ({@code folder/sub/job}). {@code ?} is one character and {@code *} any run of characters
 * within one path segment (neither crosses {@code /}); {@code **} crosses segments, and as
 * a whole segment also matches no segment at all, so {@code team/**}{@code /deploy} matches
 * {@code team/deploy}. {@code team/**} matches everything inside {@code team} but not
 * {@code team} itself. Everything else matches literally, case-sensitively, like Jenkins
 * item names.
 *
 * <p>Public for the broker, which compiles each role's globs once.
 */
public final class JobGlob {

    private final String glob;
    private final Pattern pattern;

    public JobGlob(String glob) {
        this.glob = glob;
        this.pattern = Pattern.compile(toRegex(glob));
    }

    public boolean matches(String jobFullName) {
        return pattern.matcher(jobFullName).matches();
    }

    @Override
    public String toString() {
        return glob;
    }

    static String toRegex(String glob) {
        StringBuilder re = new StringBuilder();
        int n = glob.length();
        int i = 0;
        while (i < n) {
            char c = glob.charAt(i);
            if (c == '*' && i + 1 < n && glob.charAt(i + 1) == '*') {
                int end = i + 2;
                while (end < n && glob.charAt(end) == '*') {
                    end++; // "***" is just "**"
                }
                boolean segmentStart = i == 0 || glob.charAt(i - 1) == '/';
                boolean slashAfter = end < n && glob.charAt(end) == '/';
                if (segmentStart && slashAfter) {
                    re.append("(?:.*/)?"); // "**/" : zero or more whole segments
                    i = end + 1;
                } else {
                    re.append(".*");
                    i = end;
                }
            } else if (c == '*') {
                re.append("[^/]*");
                i++;
            } else if (c == '?') {
                re.append("[^/]");
                i++;
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
                i++;
            }
        }
        return re.toString();
    }
}
