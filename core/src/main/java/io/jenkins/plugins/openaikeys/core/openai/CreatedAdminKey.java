package io.jenkins.plugins.openaikeys.core.openai;

import io.jenkins.plugins.openaikeys.core.SecretString;

import java.util.Objects;

/**
 * An admin key just created (admin-key rotation): the value appears only in this answer,
 * so it is held as a {@link SecretString} and this record prints ids only.
 */
public record CreatedAdminKey(AdminKey key, SecretString value) {

    public CreatedAdminKey {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }
}
