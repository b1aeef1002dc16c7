package io.jenkins.plugins.openaikeys.core.openai;

/**
 * A project service account: the identity that owns one ephemeral key. Ids and names are
 * public (they are what we log and what the orphan sweeper matches on).
 *
 * @param createdAt epoch seconds
 */
public record ServiceAccount(String id, String name, String role, long createdAt) {
}
