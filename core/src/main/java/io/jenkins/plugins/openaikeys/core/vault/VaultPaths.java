package io.jenkins.plugins.openaikeys.core.vault;

import java.util.Arrays;

/** Builds API paths from user-supplied mounts and secret paths, refusing traversal and empties. */
final class VaultPaths {

    private VaultPaths() {
    }

    /** Trims slashes and checks every segment; "secret/", "/openai/org1" are accepted. */
    static String clean(String value, String what) {
        if (value == null) {
            throw new IllegalArgumentException("The " + what + " is empty: set it");
        }
        String v = value.trim();
        while (v.startsWith("/")) {
            v = v.substring(1);
        }
        while (v.endsWith("/")) {
            v = v.substring(0, v.length() - 1);
        }
        if (v.isEmpty()) {
            throw new IllegalArgumentException("The " + what + " is empty: set it");
        }
        boolean bad = Arrays.stream(v.split("/", -1))
                .anyMatch(s -> s.isEmpty() || s.equals(".") || s.equals("..") || s.contains("?") || s.contains("#"));
        if (bad) {
            throw new IllegalArgumentException("The " + what + " '" + v + "' is not a valid Vault path: "
                    + "use segments separated by single slashes, without '.', '..', '?' or '#'");
        }
        return v;
    }

    static String join(String... parts) {
        return String.join("/", parts);
    }
}
