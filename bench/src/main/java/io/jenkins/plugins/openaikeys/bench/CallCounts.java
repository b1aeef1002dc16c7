package io.jenkins.plugins.openaikeys.bench;

/**
 * Requests the fakes served, read from their call logs: the plugin's own calls to OpenAI and
 * to Vault, and, apart from them, the calls Vault's OpenAI engine made to its OpenAI.
 */
record CallCounts(int openai, int vault, int byVaultEngine) {

    static CallCounts of(Rig rig) {
        return new CallCounts(rig.openai.callLog().size(), rig.vault.callLog().size(),
                rig.engineOpenAi.callLog().size());
    }

    CallCounts minus(CallCounts earlier) {
        return new CallCounts(openai - earlier.openai, vault - earlier.vault, byVaultEngine - earlier.byVaultEngine);
    }
}
