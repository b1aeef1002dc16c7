package io.jenkins.plugins.openaikeys.core.vault;

import java.time.Duration;

/** Where the token cache gets tokens from: one auth method at one Vault endpoint. */
interface TokenSource {

    /** A new token (for a static token: the token itself, described by lookup-self). */
    VaultToken login();

    /** renew-self; Vault may grant less than asked (max TTL). */
    VaultToken renew(VaultToken token, Duration increment);

    /** For log lines: the auth identity, never a secret. */
    String identity();
}
