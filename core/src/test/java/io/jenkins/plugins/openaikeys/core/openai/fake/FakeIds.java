package io.jenkins.plugins.openaikeys.core.openai.fake;

import java.util.concurrent.ThreadLocalRandom;

/** Ids and key values shaped like OpenAI's, so masking and parsing see realistic input. */
final class FakeIds {

    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final String KEY_CHARS = ALNUM + "_-";

    private FakeIds() {
    }

    static String organization() {
        return "org-" + random(ALNUM, 24);
    }

    static String project() {
        return "proj_" + random(ALNUM, 24);
    }

    static String serviceAccount() {
        return "svc_acct_" + random(ALNUM, 24);
    }

    static String key() {
        return "key_" + random(ALNUM, 16);
    }

    static String user() {
        return "user-" + random(ALNUM, 24);
    }

    static String requestId() {
        return "req_" + random("0123456789abcdef", 32);
    }

    /** Service-account keys: OpenAI issues them as {@code sk-svcacct-…} (project-scoped keys). */
    static String serviceAccountKeyValue() {
        return "sk-svcacct-" + random(KEY_CHARS, 74) + "T3BlbkFJ" + random(KEY_CHARS, 74);
    }

    static String adminKeyValue() {
        return "sk-admin-" + random(KEY_CHARS, 64) + "T3BlbkFJ" + random(KEY_CHARS, 24);
    }

    /** How OpenAI echoes a key it rejects: a kept prefix, stars, the last four characters. */
    static String redactForError(String key) {
        String prefix = key.startsWith("sk-admin-") ? "sk-admin-" : key.startsWith("sk-svcacct-") ? "sk-svcacct-"
                : key.startsWith("sk-proj-") ? "sk-proj-" : key.substring(0, Math.min(3, key.length()));
        String last = key.length() > prefix.length() + 4 ? key.substring(key.length() - 4) : "";
        return prefix + "*".repeat(Math.max(4, key.length() - prefix.length() - last.length())) + last;
    }

    /** {@code redacted_value} of an admin key: {@code sk-admin...xyz}. */
    static String redactedAdminValue(String key) {
        return "sk-admin..." + key.substring(key.length() - 3);
    }

    private static String random(String alphabet, int length) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return b.toString();
    }
}
