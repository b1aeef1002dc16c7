package io.jenkins.plugins.openaikeys.core.openai.fake;

import io.jenkins.plugins.openaikeys.core.SecretString;

/** A service account held by {@link FakeOpenAi}, with its one key. */
public record FakeServiceAccount(String id, String projectId, String name, String role, long createdAt,
                                 String keyId, SecretString keyValue) {
}
