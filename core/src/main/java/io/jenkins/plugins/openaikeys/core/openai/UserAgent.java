package io.jenkins.plugins.openaikeys.core.openai;

/**
 * The {@code User-Agent} we send, so OpenAI (and an operator reading OpenAI's audit log)
 * can tell our traffic and its version apart.
 */
final class UserAgent {

    private UserAgent() {
    }

    static String value() {
        Package p = UserAgent.class.getPackage();
        String version = p == null ? null : p.getImplementationVersion();
        return "openai-ephemeral-keys/" + (version == null || version.isBlank() ? "dev" : version);
    }
}
