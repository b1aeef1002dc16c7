package io.jenkins.plugins.openaikeys.core.openai.fake;

import io.jenkins.plugins.openaikeys.core.SecretString;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything {@link FakeOpenAi} knows: organizations, admin keys, projects, service
 * accounts. One lock; deleted items stay as tombstones so a list cursor ({@code after})
 * naming a deleted item still works, as a real cursor does.
 */
final class FakeState {

    private final Clock clock;
    private final Map<String, String> organizations = new LinkedHashMap<>();
    private final Map<String, FakeAdminKey> adminKeys = new LinkedHashMap<>();
    private final Map<String, FakeProjectRecord> projects = new LinkedHashMap<>();
    private final Map<String, FakeServiceAccount> accounts = new LinkedHashMap<>();
    private final Map<String, Boolean> deleted = new HashMap<>();
    private final Map<String, Long> lastUsed = new HashMap<>();
    private final List<FakeUsageEvent> usage = new ArrayList<>();
    private final Set<String> seenPrompts = new HashSet<>();
    private final Set<String> usageDenied = new HashSet<>();
    private Duration usageLag = Duration.ZERO;

    FakeState(Clock clock) {
        this.clock = clock;
    }

    long now() {
        return clock.instant().getEpochSecond();
    }

    synchronized String createOrganization(String name) {
        String id = FakeIds.organization();
        organizations.put(id, name);
        return id;
    }

    synchronized FakeAdminKey createAdminKey(String orgId, String name, Long expiresInSeconds) {
        requireOrganization(orgId);
        long now = now();
        FakeAdminKey key = new FakeAdminKey(FakeIds.key(), orgId, name, SecretString.of(FakeIds.adminKeyValue()),
                now, expiresInSeconds == null ? null : now + expiresInSeconds);
        adminKeys.put(key.id(), key);
        return key;
    }

    /** @return whether a live key was deleted */
    synchronized boolean deleteAdminKey(String orgId, String keyId) {
        FakeAdminKey key = adminKeys.get(keyId);
        if (key == null || !key.organizationId().equals(orgId) || isDeleted(keyId)) {
            return false;
        }
        deleted.put(keyId, true);
        return true;
    }

    /** The live admin key with this value, if any (deleted and expired keys are not). */
    synchronized Optional<FakeAdminKey> adminKeyByValue(String value) {
        long now = now();
        return adminKeys.values().stream()
                .filter(k -> k.value().reveal().equals(value) && !isDeleted(k.id())
                        && (k.expiresAt() == null || k.expiresAt() > now))
                .findFirst();
    }

    synchronized void markUsed(String keyId) {
        lastUsed.put(keyId, now());
    }

    synchronized Long lastUsed(String keyId) {
        return lastUsed.get(keyId);
    }

    /** Live admin keys of an organization, oldest first. */
    synchronized List<FakeAdminKey> liveAdminKeys(String orgId) {
        return adminKeys.values().stream().filter(k -> k.organizationId().equals(orgId) && !isDeleted(k.id()))
                .toList();
    }

    /** Admin keys of an organization including deleted ones, for cursors. */
    synchronized List<String> allAdminKeyIds(String orgId) {
        return adminKeys.values().stream().filter(k -> k.organizationId().equals(orgId)).map(FakeAdminKey::id)
                .toList();
    }

    synchronized FakeProjectRecord createProject(String orgId, String name) {
        requireOrganization(orgId);
        FakeProjectRecord p = new FakeProjectRecord(FakeIds.project(), orgId, name, now(), null);
        projects.put(p.id(), p);
        return p;
    }

    synchronized void setArchived(String projectId, boolean archived) {
        FakeProjectRecord p = projects.get(projectId);
        if (p == null) {
            throw new IllegalArgumentException("no project " + projectId);
        }
        projects.put(projectId, new FakeProjectRecord(p.id(), p.organizationId(), p.name(), p.createdAt(),
                archived ? Long.valueOf(now()) : null));
    }

    /** The project if it exists in this organization. */
    synchronized Optional<FakeProjectRecord> project(String orgId, String projectId) {
        return Optional.ofNullable(projects.get(projectId)).filter(p -> p.organizationId().equals(orgId));
    }

    synchronized FakeServiceAccount createServiceAccount(String projectId, String name) {
        if (!projects.containsKey(projectId)) {
            throw new IllegalArgumentException("no project " + projectId);
        }
        FakeServiceAccount a = new FakeServiceAccount(FakeIds.serviceAccount(), projectId, name, "member", now(),
                FakeIds.key(), SecretString.of(FakeIds.serviceAccountKeyValue()));
        accounts.put(a.id(), a);
        return a;
    }

    /** @return whether a live account of that project was deleted */
    synchronized boolean deleteServiceAccount(String projectId, String accountId) {
        FakeServiceAccount a = accounts.get(accountId);
        if (a == null || !a.projectId().equals(projectId) || isDeleted(accountId)) {
            return false;
        }
        deleted.put(accountId, true);
        return true;
    }

    synchronized List<FakeServiceAccount> liveServiceAccounts(String projectId) {
        return accounts.values().stream().filter(a -> a.projectId().equals(projectId) && !isDeleted(a.id()))
                .toList();
    }

    /** Service-account ids of a project including deleted ones, for cursors. */
    synchronized List<String> allServiceAccountIds(String projectId) {
        return accounts.values().stream().filter(a -> a.projectId().equals(projectId))
                .map(FakeServiceAccount::id).toList();
    }

    synchronized List<FakeServiceAccount> allLiveServiceAccounts() {
        return accounts.values().stream().filter(a -> !isDeleted(a.id())).toList();
    }

    /** Every account ever created, deleted ones included. */
    synchronized List<FakeServiceAccount> everyServiceAccount() {
        return List.copyOf(accounts.values());
    }

    synchronized boolean isDeleted(String id) {
        return deleted.containsKey(id);
    }

    /** The live account owning this key value, in a project that is not archived. */
    synchronized Optional<FakeServiceAccount> accountByKeyValue(String value) {
        return accounts.values().stream()
                .filter(a -> a.keyValue().reveal().equals(value) && !isDeleted(a.id())
                        && !projects.get(a.projectId()).archived())
                .findFirst();
    }

    /** Records a model call; {@code prompt} identifies the input, so a repeat counts as cached. */
    synchronized FakeUsageEvent recordUsage(FakeServiceAccount key, String kind, String model, String prompt,
                                            long input, long output) {
        String orgId = projects.get(key.projectId()).organizationId();
        boolean repeat = !seenPrompts.add(key.keyId() + "\u0000" + model + "\u0000" + prompt);
        FakeUsageEvent e = new FakeUsageEvent(orgId, key.projectId(), key.keyId(), kind, model, now(), input,
                repeat && kind.equals("completions") ? input : 0, output);
        usage.add(e);
        return e;
    }

    /** Usage the usage API shows now: events older than the lag. */
    synchronized List<FakeUsageEvent> visibleUsage(String orgId) {
        long visibleUntil = now() - usageLag.toSeconds();
        return usage.stream().filter(e -> e.organizationId().equals(orgId) && e.at() <= visibleUntil).toList();
    }

    /** Every model call served, visible or not. */
    synchronized List<FakeUsageEvent> allUsage() {
        return List.copyOf(usage);
    }

    synchronized void usageLag(Duration lag) {
        usageLag = lag;
    }

    synchronized void denyUsage(String orgId, boolean denied) {
        if (denied) {
            usageDenied.add(orgId);
        } else {
            usageDenied.remove(orgId);
        }
    }

    synchronized boolean usageDenied(String orgId) {
        return usageDenied.contains(orgId);
    }

    private void requireOrganization(String orgId) {
        if (!organizations.containsKey(orgId)) {
            throw new IllegalArgumentException("no organization " + orgId);
        }
    }
}
