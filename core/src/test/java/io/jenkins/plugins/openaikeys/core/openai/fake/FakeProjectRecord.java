package io.jenkins.plugins.openaikeys.core.openai.fake;

/** A project held by {@link FakeState}; {@code archivedAt} is epoch seconds or null. */
record FakeProjectRecord(String id, String organizationId, String name, long createdAt, Long archivedAt) {

    boolean archived() {
        return archivedAt != null;
    }
}
