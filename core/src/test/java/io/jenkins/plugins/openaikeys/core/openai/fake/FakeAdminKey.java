package io.jenkins.plugins.openaikeys.core.openai.fake;

import io.jenkins.plugins.openaikeys.core.SecretString;

/** An admin key held by {@link FakeOpenAi}. {@code expiresAt} is epoch seconds or null. */
public record FakeAdminKey(String id, String organizationId, String name, SecretString value, long createdAt,
                           Long expiresAt) {
}
