package io.jenkins.plugins.openaikeys.core.openai;

import io.jenkins.plugins.openaikeys.core.SecretString;
import io.jenkins.plugins.openaikeys.core.openai.fake.Endpoint;
import io.jenkins.plugins.openaikeys.core.openai.fake.Fault;
import io.jenkins.plugins.openaikeys.core.openai.fake.FakeServiceAccount;
import io.jenkins.plugins.openaikeys.core.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No key value — minted, lost in an ambiguous create, echoed by OpenAI, or the admin key
 * itself — reaches an exception message, a toString() or any captured log record.
 */
class SecretLeakTest {

    private static final String PLANTED = "sk-svcacct-PLANTEDsecretVALUEthatMUSTnotLEAK0123456789abcdef";
    private static final String PLANTED_ADMIN = "sk-admin-PLANTEDadminVALUEthatMUSTnotLEAK0123456789";

    private final FakeOpenAiFixture f = new FakeOpenAiFixture();
    private final OpenAiAdminClient client = f.client();
    private final List<String> texts = new ArrayList<>();

    @AfterEach
    void close() {
        f.close();
    }

    private void run(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                texts.add(t.getMessage());
                texts.add(t.toString());
            }
        }
    }

    private <T> void keep(Supplier<T> s) {
        run(() -> texts.add(String.valueOf(s.get())));
    }

    @Test
    void noKeyValueEscapesThroughMessagesRecordsOrLogs() {
        String adminKey = f.org.adminKey().reveal();
        String logs;
        try (LogCapture capture = LogCapture.plugin()) {
            keep(() -> client.createServiceAccount(f.project.id(), f.uniqueNames()));
            keep(() -> client.listServiceAccounts(f.project.id()));
            f.openai.inject(Endpoint.CREATE_SERVICE_ACCOUNT, Fault.disconnectAfterProcessing());
            keep(() -> client.createServiceAccount(f.project.id(), f.uniqueNames()));
            f.openai.inject(Endpoint.CREATE_SERVICE_ACCOUNT, Fault.status(502).afterProcessing());
            keep(() -> client.createServiceAccount(f.project.id(), f.uniqueNames()));
            f.openai.inject(Endpoint.CREATE_SERVICE_ACCOUNT, Fault.malformedJson().afterProcessing());
            keep(() -> client.createServiceAccount(f.project.id(), f.uniqueNames()));
            // a create answer holding a key but lacking a field: the error must not quote it
            f.openai.inject(Endpoint.CREATE_SERVICE_ACCOUNT, Fault.status(200).withBody("application/json",
                    "{\"id\":\"svc_acct_x\",\"name\":\"n\",\"api_key\":{\"value\":\"" + PLANTED + "\"}}"));
            keep(() -> client.createServiceAccount(f.project.id(), f.uniqueNames()));
            // a body that is not JSON and starts with a key: Jackson would quote the token
            f.openai.inject(Endpoint.CREATE_SERVICE_ACCOUNT, Fault.status(200).withBody("application/json", PLANTED));
            keep(() -> client.createServiceAccount(f.project.id(), f.uniqueNames()));
            // OpenAI's own error message quoting keys, and a gateway page quoting one
            f.openai.inject(Endpoint.GET_PROJECT, Fault.status(400).withBody("application/json",
                    "{\"error\":{\"message\":\"bad keys " + PLANTED + " and " + PLANTED_ADMIN
                            + " Bearer " + PLANTED + "\",\"type\":\"invalid_request_error\"}}"));
            keep(() -> client.getProject(f.project.id()));
            f.openai.inject(Endpoint.GET_PROJECT, Fault.status(502).withBody("text/html",
                    "<html>" + PLANTED + "</html>").times(5));
            keep(() -> client.getProject(f.project.id()));
            keep(() -> client.createAdminKey("rotation", null));
            f.openai.inject(Endpoint.CREATE_ADMIN_KEY, Fault.status(200).withBody("application/json",
                    "{\"id\":\"key_1\",\"value\":\"" + PLANTED_ADMIN + "\"}").afterProcessing());
            keep(() -> client.createAdminKey("rotation-2", null));
            keep(client::listAdminKeys);
            // the admin key rejected: OpenAI echoes part of it
            f.org.deleteAdminKey(f.org.adminKeyId());
            keep(() -> client.getProject(f.project.id()));
            keep(() -> client.createServiceAccount(f.project.id(), f.uniqueNames()));
            logs = capture.allText();
        }

        List<String> secrets = new ArrayList<>(List.of(PLANTED, PLANTED_ADMIN, adminKey));
        f.openai.everyServiceAccount().stream().map(FakeServiceAccount::keyValue).map(SecretString::reveal)
                .forEach(secrets::add);
        f.openai.liveAdminKeys(f.org.id()).forEach(k -> secrets.add(k.value().reveal()));
        assertThat(secrets).hasSizeGreaterThan(6);
        assertThat(logs).contains("svc_acct_", "x-request-id req_");
        String all = String.join("\n", texts.stream().map(String::valueOf).toList());
        assertThat(all).contains("****", "OpenAI rejected the admin API key");
        for (String secret : secrets) {
            // the distinctive middle of a key is enough to recognise a leak
            String core = secret.substring(12, 40);
            assertThat(all).as("messages and toString()").doesNotContain(core);
            assertThat(logs).as("captured logs").doesNotContain(core);
        }
    }
}
