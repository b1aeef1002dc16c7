package io.jenkins.plugins.openaikeys.bench;

/**
 * Requests the fakes served, read from their call logs: the plugin's own calls to OpenAI (or,
 * for the LiteLLM kinds, to the LiteLLM proxy: the API the plugin calls besides Vault) and to
 * Vault, and, apart from them, the calls Vault's engines made to their OpenAI or proxy.
 */
record CallCounts(int openai, int vault, int byVaultEngine) {

    static CallCounts of(Rig rig) {
        return new CallCounts(rig.openai.callLog().size() + rig.litellm.callLog().size(), rig.vault.callLog().size(),
                rig.engineOpenAi.callLog().size() + rig.engineLitellm.callLog().size());
    }

    CallCounts minus(CallCounts earlier) {
        return new CallCounts(openai - earlier.openai, vault - earlier.vault, byVaultEngine - earlier.byVaultEngine);
    }
}
