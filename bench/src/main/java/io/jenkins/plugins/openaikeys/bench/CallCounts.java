package io.jenkins.plugins.openaikeys.bench;

/**
 * Requests the fakes served, read from their call logs. OpenAI's log also holds the calls
 * Vault's OpenAI engine makes, so for the vaultEngine source "OpenAI calls" are the
 * engine's, not the plugin's.
 */
record CallCounts(int openai, int vault) {

    static CallCounts of(Rig rig) {
        return new CallCounts(rig.openai.callLog().size(), rig.vault.callLog().size());
    }

    CallCounts minus(CallCounts earlier) {
        return new CallCounts(openai - earlier.openai, vault - earlier.vault);
    }
}
