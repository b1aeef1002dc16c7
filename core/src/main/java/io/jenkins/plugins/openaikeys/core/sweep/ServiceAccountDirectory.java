package io.jenkins.plugins.openaikeys.core.sweep;

import io.jenkins.plugins.openaikeys.core.openai.OpenAiAdminClient;
import io.jenkins.plugins.openaikeys.core.openai.ServiceAccount;

import java.util.List;

/**
 * The two OpenAI calls the sweeper needs, so that it can be pointed at any organisation's
 * admin client (and, in tests, at anything that lists and deletes).
 */
public interface ServiceAccountDirectory {

    /** Every service account of the project, all pages. */
    List<ServiceAccount> list(String projectId);

    /** Deletes one account; an account that is already gone counts as deleted. */
    void delete(String projectId, String serviceAccountId);

    static ServiceAccountDirectory of(OpenAiAdminClient client) {
        return new ServiceAccountDirectory() {
            @Override
            public List<ServiceAccount> list(String projectId) {
                return client.listServiceAccounts(projectId);
            }

            @Override
            public void delete(String projectId, String serviceAccountId) {
                client.deleteServiceAccount(projectId, serviceAccountId);
            }
        };
    }
}
