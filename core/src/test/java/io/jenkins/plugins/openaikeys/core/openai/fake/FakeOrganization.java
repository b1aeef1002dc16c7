package io.jenkins.plugins.openaikeys.core.openai.fake;

import io.jenkins.plugins.openaikeys.core.SecretString;

import java.time.Duration;
import java.util.List;

/**
 * An organization of {@link FakeOpenAi}, born with one admin key: {@code org.adminKey()} is
 * what a client under test authenticates with.
 */
public final class FakeOrganization {

    private final FakeState state;
    private final String id;
    private final FakeAdminKey bootstrapKey;

    FakeOrganization(FakeState state, String id, FakeAdminKey bootstrapKey) {
        this.state = state;
        this.id = id;
        this.bootstrapKey = bootstrapKey;
    }

    public String id() {
        return id;
    }

    /** The value of the admin key the organization was created with. */
    public SecretString adminKey() {
        return bootstrapKey.value();
    }

    public String adminKeyId() {
        return bootstrapKey.id();
    }

    public FakeProject createProject(String name) {
        return new FakeProject(state, state.createProject(id, name).id(), name);
    }

    /** Another admin key, created behind the client's back. */
    public FakeAdminKey createAdminKey(String name) {
        return state.createAdminKey(id, name, null);
    }

    public FakeAdminKey createAdminKey(String name, Duration expiresIn) {
        return state.createAdminKey(id, name, expiresIn.toSeconds());
    }

    /** Deletes an admin key as an owner would in the dashboard; its value stops working at once. */
    public boolean deleteAdminKey(String keyId) {
        return state.deleteAdminKey(id, keyId);
    }

    public List<FakeAdminKey> liveAdminKeys() {
        return state.liveAdminKeys(id);
    }

    @Override
    public String toString() {
        return "FakeOrganization{" + id + "}";
    }
}
