package io.jenkins.plugins.openaikeys.core.openai;

import io.jenkins.plugins.openaikeys.core.SecretString;
import io.jenkins.plugins.openaikeys.core.http.ClientSettings;
import io.jenkins.plugins.openaikeys.core.http.Retrier;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The OpenAI Admin API calls this plugin needs: read a project, create and delete the
 * service accounts that own ephemeral keys, list them for the orphan sweeper, and manage
 * admin keys for rotation.
 *
 * <p>Why it is more than a thin HTTP wrapper: reads and deletes are retried (408, 409, 429,
 * 5xx, network failures; {@code retry-after-ms} and {@code Retry-After} honoured, within a
 * total budget), but the create is not idempotent, so an ambiguous create is reconciled
 * by name instead of repeated (see {@link ServiceAccountCreator}). Every failure becomes an
 * {@link OpenAiException} whose message says what to fix and never holds a key.
 *
 * <p>Thread-safe; build one per (base URL, admin key) and share it.
 */
public final class OpenAiAdminClient {

    /** The page size we ask for; OpenAI's maximum is 100. */
    static final int DEFAULT_PAGE_SIZE = 100;

    private final CallExecutor executor;
    private final Pager pager;
    private final OpenAiJson json;
    private final ServiceAccountCreator creator;
    private final OpenAiErrors errors;

    private OpenAiAdminClient(Builder b) {
        HttpUrl base = HttpUrl.parse(b.baseUrl);
        if (base == null) {
            throw new IllegalArgumentException("the OpenAI base URL is not an http(s) URL: " + b.baseUrl);
        }
        OkHttpClient http = b.settings.withOwnHttpClient().httpClient().newBuilder()
                .connectTimeout(b.connectTimeout)
                .readTimeout(b.readTimeout)
                .retryOnConnectionFailure(false) // OkHttp would silently repeat a create POST
                .followRedirects(false)
                .build();
        OpenAiErrors errors = new OpenAiErrors(base.host(), base.toString());
        OpenAiTransport transport = new OpenAiTransport(http, base, b.adminKey, b.organizationId, UserAgent.value());
        Retrier retrier = b.settings.retrier(Retrier.Budget.ELAPSED);
        this.errors = errors;
        this.json = new OpenAiJson(errors);
        this.executor = new CallExecutor(transport, retrier, errors);
        this.pager = new Pager(executor, errors, b.pageSize);
        this.creator = new ServiceAccountCreator(transport, retrier, errors, json,
                new ServiceAccountCreator.Accounts() {
                    @Override
                    public List<ServiceAccount> list(String projectId) {
                        return listServiceAccounts(projectId);
                    }

                    @Override
                    public void delete(String projectId, String serviceAccountId) {
                        deleteServiceAccount(projectId, serviceAccountId);
                    }
                });
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The project, archived or not; 404 says "check the role's project id". */
    public Project getProject(String projectId) {
        ApiCall call = ApiCall.get("organization", "projects", id(projectId)).aboutProject(projectId);
        return json.project(call, executor.execute(call));
    }

    /**
     * Creates a service account (and with it its one API key) under a name from
     * {@code uniqueNames}; asks for a new name only after an ambiguous attempt, which is
     * cleaned up first. Never leaves a second account behind.
     */
    public CreatedServiceAccount createServiceAccount(String projectId, Supplier<String> uniqueNames) {
        Objects.requireNonNull(uniqueNames, "uniqueNames");
        return creator.create(id(projectId), uniqueNames);
    }

    /** Deletes the account and its key; an account that is already gone counts as deleted. */
    public void deleteServiceAccount(String projectId, String serviceAccountId) {
        executor.execute(ApiCall.delete("organization", "projects", id(projectId), "service_accounts",
                id(serviceAccountId)).aboutProject(projectId).accepting(404));
    }

    /** Every service account of the project, all pages read. */
    public List<ServiceAccount> listServiceAccounts(String projectId) {
        ApiCall call = ApiCall.get("organization", "projects", id(projectId), "service_accounts")
                .aboutProject(projectId);
        return pager.all(call, json::serviceAccountPage, ServiceAccount::id);
    }

    /**
     * Creates an admin key (rotation). Not retried once the request may have reached
     * OpenAI: a repeated create could leave a live admin key nobody knows about.
     *
     * @param expiresInOrNull lifetime of the key, null for no expiry
     */
    public CreatedAdminKey createAdminKey(String name, Duration expiresInOrNull) {
        Long seconds = expiresInOrNull == null ? null : expiresInOrNull.toSeconds();
        ApiCall call = ApiCall.post(json.nameBody(id(name), seconds), "organization", "admin_api_keys")
                .notRepeatable("look for an admin key named " + name
                        + " in the organization's admin keys and delete it before trying again");
        return json.createdAdminKey(call, executor.execute(call));
    }

    /** Every admin key of the organization, all pages read. */
    public List<AdminKey> listAdminKeys() {
        return pager.all(ApiCall.get("organization", "admin_api_keys"), json::adminKeyPage, AdminKey::id);
    }

    /** Deletes an admin key; a key that is already gone counts as deleted. */
    public void deleteAdminKey(String keyId) {
        executor.execute(ApiCall.delete("organization", "admin_api_keys", id(keyId)).accepting(404));
    }

    /** How many usage pages one read follows at most: a window of a key's life is far smaller. */
    static final int MAX_USAGE_PAGES = 50;

    /**
     * Every bucket of {@code GET /organization/usage/{kind}} ({@code completions},
     * {@code embeddings}, …) for the query, all pages read ({@code next_page}). Array
     * parameters ({@code group_by}, {@code api_key_ids}) are sent once per value. Retried like
     * every read; 401 and 403 fail at once with the status in the exception.
     */
    public List<UsageBucket> usage(String kind, Map<String, List<String>> query) {
        ApiCall first = ApiCall.get("organization", "usage", id(kind));
        for (Map.Entry<String, List<String>> q : query.entrySet()) {
            first = first.withQueryValues(q.getKey(), q.getValue());
        }
        List<UsageBucket> all = new ArrayList<>();
        Set<String> cursors = new HashSet<>();
        ApiCall call = first;
        for (int pages = 1; ; pages++) {
            RawResponse r = executor.execute(call);
            UsagePage page = json.usagePage(call, r);
            all.addAll(page.buckets());
            if (!page.hasMore()) {
                return all;
            }
            if (!cursors.add(page.nextPage()) || pages >= MAX_USAGE_PAGES) {
                throw errors.malformed(call, r, "usage pages that do not end");
            }
            call = first.withQuery("page", page.nextPage());
        }
    }

    private static String id(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("an OpenAI id or name must not be empty");
        }
        return value;
    }

    /** Configures a client; only the admin key is required. */
    public static final class Builder {

        private String baseUrl = "https://api.openai.com/v1";
        private SecretString adminKey;
        private String organizationId;
        private ClientSettings settings = ClientSettings.DEFAULTS;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(30);
        private int pageSize = DEFAULT_PAGE_SIZE;

        private Builder() {
        }

        /** Default {@code https://api.openai.com/v1}. */
        public Builder baseUrl(String url) {
            this.baseUrl = Objects.requireNonNull(url, "baseUrl").replaceAll("/+$", "");
            return this;
        }

        public Builder adminKey(SecretString key) {
            Objects.requireNonNull(key, "adminKey");
            String v = key.reveal().strip();
            if (v.isEmpty() || v.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
                throw new IllegalArgumentException(
                        "the admin API key contains spaces or control characters: check the admin config in Vault");
            }
            this.adminKey = SecretString.of(v);
            return this;
        }

        /** Sent as {@code OpenAI-Organization}; optional since the admin key names its organization. */
        public Builder organizationId(String id) {
            this.organizationId = id == null || id.isBlank() ? null : id.strip();
            return this;
        }

        /**
         * The shared client (its connection pool and dispatcher reused), retry policy, clock and sleeper
         * (default {@link ClientSettings#DEFAULTS}).
         */
        public Builder settings(ClientSettings s) {
            this.settings = Objects.requireNonNull(s);
            return this;
        }

        public Builder connectTimeout(Duration d) {
            this.connectTimeout = Objects.requireNonNull(d);
            return this;
        }

        public Builder readTimeout(Duration d) {
            this.readTimeout = Objects.requireNonNull(d);
            return this;
        }

        /** Items per list page, 1..100; smaller pages are for tests. */
        public Builder pageSize(int size) {
            if (size < 1 || size > 100) {
                throw new IllegalArgumentException("page size must be within 1..100");
            }
            this.pageSize = size;
            return this;
        }

        public OpenAiAdminClient build() {
            if (adminKey == null) {
                throw new IllegalStateException("an admin API key is required");
            }
            return new OpenAiAdminClient(this);
        }
    }
}
