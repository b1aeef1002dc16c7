package io.jenkins.plugins.openaikeys.core.openai.fake;

import java.util.ArrayList;
import java.util.List;

/** A project of a {@link FakeOrganization}; a handle for tests to seed and inspect it. */
public final class FakeProject {

    private final FakeState state;
    private final String id;
    private final String name;

    FakeProject(FakeState state, String id, String name) {
        this.state = state;
        this.id = id;
        this.name = name;
    }

    public String id() {
        return id;
    }

    public String name() {
        return name;
    }

    /** Archives the project: it can no longer get service accounts and its keys stop working. */
    public FakeProject archive() {
        state.setArchived(id, true);
        return this;
    }

    public FakeProject unarchive() {
        state.setArchived(id, false);
        return this;
    }

    /** A service account created behind the client's back (seeding, "someone else made it"). */
    public FakeServiceAccount addServiceAccount(String accountName) {
        return state.createServiceAccount(id, accountName);
    }

    /** {@code count} accounts named {@code prefix-0 … prefix-(count-1)}, e.g. for pagination. */
    public List<FakeServiceAccount> addServiceAccounts(String prefix, int count) {
        List<FakeServiceAccount> added = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            added.add(addServiceAccount(prefix + "-" + i));
        }
        return added;
    }

    public List<FakeServiceAccount> liveServiceAccounts() {
        return state.liveServiceAccounts(id);
    }

    @Override
    public String toString() {
        return "FakeProject{" + id + ", " + name + "}";
    }
}
