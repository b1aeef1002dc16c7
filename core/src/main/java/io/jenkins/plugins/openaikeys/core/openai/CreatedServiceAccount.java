package io.jenkins.plugins.openaikeys.core.openai;

import io.jenkins.plugins.openaikeys.core.SecretString;

import java.util.Objects;

/**
 * A service account just created, with the only copy of its key value OpenAI will ever
 * return. The value is a {@link SecretString} so this record prints ids only.
 */
public record CreatedServiceAccount(ServiceAccount account, String keyId, SecretString keyValue) {

    public CreatedServiceAccount {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(keyValue, "keyValue");
    }
}
