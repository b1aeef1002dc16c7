package io.jenkins.plugins.openaikeys.core.openai;

/**
 * An organization admin API key as listed by OpenAI: ids and the redacted value only
 * (OpenAI itself never lists the value).
 *
 * @param createdAt epoch seconds
 * @param expiresAt epoch seconds, null for a key that does not expire
 */
public record AdminKey(String id, String name, String redactedValue, long createdAt, Long expiresAt) {
}
