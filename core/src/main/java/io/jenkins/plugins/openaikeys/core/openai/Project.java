package io.jenkins.plugins.openaikeys.core.openai;

/**
 * An OpenAI project as the Admin API describes it. Read before minting so that a wrong or
 * archived project id is reported as such instead of as a failed create.
 *
 * @param status     "active" or "archived"; OpenAI may leave it null
 * @param archivedAt epoch seconds, null while the project is active
 */
public record Project(String id, String name, String status, Long archivedAt) {

    public boolean isArchived() {
        return "archived".equals(status) || archivedAt != null;
    }
}
