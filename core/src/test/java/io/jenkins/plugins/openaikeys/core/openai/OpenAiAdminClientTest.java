package io.jenkins.plugins.openaikeys.core.openai;

import io.jenkins.plugins.openaikeys.core.SecretString;
import io.jenkins.plugins.openaikeys.core.openai.fake.Endpoint;
import io.jenkins.plugins.openaikeys.core.openai.fake.FakeAdminKey;
import io.jenkins.plugins.openaikeys.core.openai.fake.FakeServiceAccount;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The happy path of every call, against the fake. */
class OpenAiAdminClientTest {

    private final FakeOpenAiFixture f = new FakeOpenAiFixture();
    private final OpenAiAdminClient client = f.client();

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void readsAnActiveProject() {
        Project p = client.getProject(f.project.id());

        assertThat(p.id()).isEqualTo(f.project.id());
        assertThat(p.name()).isEqualTo("evals");
        assertThat(p.status()).isEqualTo("active");
        assertThat(p.isArchived()).isFalse();
    }

    @Test
    void readsAnArchivedProjectAsArchived() {
        f.project.archive();

        Project p = client.getProject(f.project.id());

        assertThat(p.isArchived()).isTrue();
        assertThat(p.archivedAt()).isEqualTo(f.time.instant().getEpochSecond());
    }

    @Test
    void createsAServiceAccountWithAWorkingKey() {
        CreatedServiceAccount created = client.createServiceAccount(f.project.id(), () -> "jenkins-evals-42");

        assertThat(created.account().id()).startsWith("svc_acct_");
        assertThat(created.account().name()).isEqualTo("jenkins-evals-42");
        assertThat(created.account().role()).isEqualTo("member");
        assertThat(created.account().createdAt()).isEqualTo(f.time.instant().getEpochSecond());
        assertThat(created.keyId()).startsWith("key_");
        assertThat(created.keyValue().reveal()).startsWith("sk-");
        assertThat(f.openai.isLiveKey(created.keyValue())).isTrue();
        assertThat(f.openai.liveServiceAccounts(f.project.id())).extracting(FakeServiceAccount::id)
                .containsExactly(created.account().id());
        assertThat(f.openai.calls(Endpoint.CREATE_SERVICE_ACCOUNT)).isEqualTo(1);
        assertThat(f.openai.calls(Endpoint.LIST_SERVICE_ACCOUNTS)).isZero();
    }

    @Test
    void deletesAServiceAccountAndItsKey() {
        CreatedServiceAccount created = client.createServiceAccount(f.project.id(), f.uniqueNames());

        client.deleteServiceAccount(f.project.id(), created.account().id());

        assertThat(f.openai.liveServiceAccounts(f.project.id())).isEmpty();
        assertThat(f.openai.isLiveKey(created.keyValue())).isFalse();
    }

    @Test
    void deletingAnAccountThatIsAlreadyGoneSucceeds() {
        CreatedServiceAccount created = client.createServiceAccount(f.project.id(), f.uniqueNames());
        client.deleteServiceAccount(f.project.id(), created.account().id());

        client.deleteServiceAccount(f.project.id(), created.account().id());
        client.deleteServiceAccount(f.project.id(), "svc_acct_neverexisted");

        assertThat(f.openai.calls(Endpoint.DELETE_SERVICE_ACCOUNT)).isEqualTo(3);
    }

    @Test
    void listsServiceAccountsAcrossManyPages() {
        OpenAiAdminClient smallPages = f.builder(f.org.adminKey()).pageSize(7).build();
        List<FakeServiceAccount> seeded = f.project.addServiceAccounts("seed", 23);

        List<ServiceAccount> listed = smallPages.listServiceAccounts(f.project.id());

        assertThat(listed).extracting(ServiceAccount::id)
                .containsExactlyElementsOf(seeded.stream().map(FakeServiceAccount::id).toList());
        assertThat(listed.get(0).name()).isEqualTo("seed-0");
        assertThat(f.openai.calls(Endpoint.LIST_SERVICE_ACCOUNTS)).isEqualTo(4);
    }

    @Test
    void listsAnEmptyProject() {
        assertThat(client.listServiceAccounts(f.project.id())).isEmpty();
    }

    @Test
    void createsListsAndDeletesAdminKeys() {
        CreatedAdminKey created = client.createAdminKey("jenkins-rotation-1", Duration.ofDays(90));

        assertThat(created.key().id()).startsWith("key_");
        assertThat(created.key().name()).isEqualTo("jenkins-rotation-1");
        assertThat(created.key().redactedValue()).startsWith("sk-admin...");
        assertThat(created.key().expiresAt()).isEqualTo(f.time.instant().plus(Duration.ofDays(90)).getEpochSecond());
        assertThat(created.value().reveal()).startsWith("sk-admin-");
        assertThat(client.listAdminKeys()).extracting(AdminKey::id)
                .containsExactly(f.org.adminKeyId(), created.key().id());

        OpenAiAdminClient withNewKey = f.client(created.value());
        withNewKey.deleteAdminKey(f.org.adminKeyId());

        assertThat(f.openai.liveAdminKeys(f.org.id())).extracting(FakeAdminKey::id).containsExactly(created.key().id());
        withNewKey.deleteAdminKey(f.org.adminKeyId()); // already gone = success
    }

    @Test
    void createsAnAdminKeyWithoutExpiry() {
        CreatedAdminKey created = client.createAdminKey("forever", null);

        assertThat(created.key().expiresAt()).isNull();
    }

    @Test
    void listsAdminKeysAcrossManyPages() {
        for (int i = 0; i < 11; i++) {
            f.org.createAdminKey("extra-" + i);
        }
        OpenAiAdminClient smallPages = f.builder(f.org.adminKey()).pageSize(4).build();

        List<AdminKey> keys = smallPages.listAdminKeys();

        assertThat(keys).hasSize(12).extracting(AdminKey::id).doesNotHaveDuplicates()
                .containsExactlyElementsOf(f.openai.liveAdminKeys(f.org.id()).stream().map(FakeAdminKey::id).toList());
        assertThat(f.openai.calls(Endpoint.LIST_ADMIN_KEYS)).isEqualTo(3);
    }

    @Test
    void recordsPrintIdsButNeverKeyValues() {
        CreatedServiceAccount account = client.createServiceAccount(f.project.id(), f.uniqueNames());
        CreatedAdminKey admin = client.createAdminKey("rotation", null);

        assertThat(account.toString()).contains(account.account().id(), account.keyId(), "****")
                .doesNotContain(account.keyValue().reveal());
        assertThat(admin.toString()).contains(admin.key().id(), "****").doesNotContain(admin.value().reveal());
    }

    @Test
    void sendsTheOrganizationHeaderWhenConfigured() {
        OpenAiAdminClient withOrg = f.builder(f.org.adminKey()).organizationId(f.org.id()).build();

        assertThat(withOrg.getProject(f.project.id()).id()).isEqualTo(f.project.id());
    }

    @Test
    void trimsAnAdminKeyCopiedWithATrailingNewline() {
        OpenAiAdminClient trimmed = f.client(SecretString.of(f.org.adminKey().reveal() + "\n"));

        assertThat(trimmed.getProject(f.project.id()).id()).isEqualTo(f.project.id());
    }
}
