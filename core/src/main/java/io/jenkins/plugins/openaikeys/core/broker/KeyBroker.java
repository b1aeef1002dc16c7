package io.jenkins.plugins.openaikeys.core.broker;

import io.jenkins.plugins.openaikeys.core.EphemeralKeyException;
import io.jenkins.plugins.openaikeys.core.ledger.RevocationLedger;
import io.jenkins.plugins.openaikeys.core.policy.JobGlob;
import io.jenkins.plugins.openaikeys.core.policy.Role;
import io.jenkins.plugins.openaikeys.core.policy.RoleCatalog;
import io.jenkins.plugins.openaikeys.core.policy.ServiceAccountNames;
import io.jenkins.plugins.openaikeys.core.policy.Ttls;
import io.jenkins.plugins.openaikeys.core.source.KeySource;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one place that decides whether a build gets a key and makes sure every key it hands
 * out is destroyed exactly once.
 *
 * <p>Mint: resolve the role → check the job may use it → pick the organization's
 * {@link KeySource} → settle the TTL (requested or the role's default, never above its
 * max) → render a unique service-account name → mint → record the handle in the
 * {@link RevocationLedger} before returning, so that a key nobody remembers cannot exist;
 * if recording fails, the key is revoked at once.
 *
 * <p>Revoke: single-flight per handle id — concurrent callers share one remote revoke and
 * its outcome; a success is remembered (a later call is a no-op) and removes the handle
 * from the ledger; a failure leaves the handle in the ledger for {@link #retryPending()}.
 *
 * <p>Thread-safe. Logs one INFO line per mint and revoke with ids and elapsed time, never
 * a key value.
 */
public final class KeyBroker {

    private static final Logger LOG = Logger.getLogger(KeyBroker.class.getName());
    /** Where an administrator fixes what an error message names; quoted by the key sources too. */
    public static final String CONFIG_PAGE = "Manage Jenkins → System → OpenAI Ephemeral Keys";
    /** How many completed revokes are remembered; older ones cost one harmless remote call. */
    private static final int REMEMBERED_REVOKES = 10_000;

    private final Map<String, Role> roles;
    private final Map<String, List<JobGlob>> allowedJobs;
    private final Map<String, KeySource> sources;
    private final RevocationLedger ledger;
    private final Clock clock;
    private final ServiceAccountNames names;
    /** Roles an administrator configured that cannot be served, with the sentence saying why. */
    private final Map<String, String> unusableRoles;

    private final ConcurrentHashMap<String, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();
    private final Set<String> revoked = Collections.synchronizedSet(Collections.newSetFromMap(
            new LinkedHashMap<>() {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > REMEMBERED_REVOKES;
                }
            }));
    /** Handles whose last revoke failed, by id: retried once their backoff has passed. */
    private final ConcurrentHashMap<String, RevokeFailure> failing = new ConcurrentHashMap<>();
    private final RevokeBackoff backoff;

    /** A broker naming accounts with the default prefix {@value ServiceAccountNames#DEFAULT_PREFIX}. */
    public KeyBroker(Map<String, Role> roles, Map<String, KeySource> sourcesByOrganization,
                     RevocationLedger ledger, Clock clock) {
        this(roles, sourcesByOrganization, ledger, clock, new ServiceAccountNames());
    }

    /**
     * @param roles                 by role name (each key must equal its role's name)
     * @param sourcesByOrganization by {@link Role#organization()}; a role whose organization is
     *                              missing fails at mint time with a clear message
     * @param names                 the controller's service-account naming (prefix)
     */
    public KeyBroker(Map<String, Role> roles, Map<String, KeySource> sourcesByOrganization,
                     RevocationLedger ledger, Clock clock, ServiceAccountNames names) {
        this(roles, Map.of(), sourcesByOrganization, ledger, clock, names, RevokeBackoff.DEFAULT);
    }

    /** @param backoff how long a key whose revoke failed waits before {@link #retryPending()} tries it again */
    public KeyBroker(Map<String, Role> roles, Map<String, KeySource> sourcesByOrganization,
                     RevocationLedger ledger, Clock clock, ServiceAccountNames names, RevokeBackoff backoff) {
        this(roles, Map.of(), sourcesByOrganization, ledger, clock, names, backoff);
    }

    /**
     * @param unusableRoles roles that are configured but cannot be served (see {@link RoleCatalog#unusable()}),
     *                      so a build asking for one is told the real reason instead of "no such role"
     */
    public KeyBroker(Map<String, Role> roles, Map<String, String> unusableRoles,
                     Map<String, KeySource> sourcesByOrganization, RevocationLedger ledger, Clock clock,
                     ServiceAccountNames names, RevokeBackoff backoff) {
        this.unusableRoles = Map.copyOf(unusableRoles);
        Map<String, Role> r = new LinkedHashMap<>();
        Map<String, List<JobGlob>> globs = new LinkedHashMap<>();
        roles.forEach((key, role) -> {
            Objects.requireNonNull(role, "role " + key);
            if (!key.equals(role.name())) {
                throw new IllegalArgumentException("role map key '" + key + "' differs from role name '"
                        + role.name() + "'");
            }
            r.put(key, role);
            globs.put(key, role.allowedJobs().stream().map(JobGlob::new).toList());
        });
        this.roles = Collections.unmodifiableMap(r);
        this.allowedJobs = Collections.unmodifiableMap(globs);
        this.sources = Map.copyOf(sourcesByOrganization);
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.names = Objects.requireNonNull(names, "names");
        this.backoff = Objects.requireNonNull(backoff, "backoff");
    }

    /**
     * The configured role of that name.
     *
     * @throws BrokerException naming the configured roles when there is none
     */
    public Role role(String roleName) {
        Role role = roleName == null ? null : roles.get(roleName);
        if (role != null) {
            return role;
        }
        String shown = roleName == null ? "" : roleName;
        String unusable = roleName == null ? null : unusableRoles.get(roleName);
        if (unusable != null) {
            throw new BrokerException("OpenAI key role '" + shown + "' is configured but cannot be used: " + unusable
                    + " under " + CONFIG_PAGE);
        }
        if (roles.isEmpty()) {
            throw new BrokerException("No OpenAI key role named '" + shown + "' is configured: add one under "
                    + CONFIG_PAGE);
        }
        throw new BrokerException("No OpenAI key role named '" + shown + "' is configured: choose one of "
                + String.join(", ", roles.keySet()) + " (" + CONFIG_PAGE + ")");
    }

    /**
     * Whether the job may use the role: its full name must match one of the role's allowed
     * jobs ({@code *} and {@code ?} within one path segment, {@code **} across segments);
     * a role without allowed jobs serves no job (default deny: anyone who can change a Pipeline
     * could otherwise mint with the controller's Vault identity).
     *
     * @throws BrokerException for an unknown role or a job that is not allowed
     */
    public void checkAllowed(String roleName, String jobFullName) {
        checkAllowed(role(roleName), jobFullName);
    }

    private void checkAllowed(Role role, String jobFullName) {
        List<JobGlob> globs = allowedJobs.get(role.name());
        if (globs.isEmpty()) {
            throw new BrokerException("OpenAI key role '" + role.name() + "' allows no job yet: ask an administrator"
                    + " to add '" + jobFullName + "' (or a glob such as ** for every job) to its allowed jobs under "
                    + CONFIG_PAGE);
        }
        if (jobFullName != null) {
            for (JobGlob g : globs) {
                if (g.matches(jobFullName)) {
                    return;
                }
            }
        }
        throw new BrokerException("Job '" + jobFullName + "' may not use OpenAI key role '" + role.name()
                + "': ask an administrator to add it to the role's allowed jobs (now "
                + String.join(", ", role.allowedJobs()) + ") under " + CONFIG_PAGE);
    }

    /**
     * Mints a key for one build. Everything that can be checked locally (role, job, source,
     * TTL) is checked before anything is minted; the handle is in the ledger before this
     * returns.
     *
     * @throws BrokerException for policy errors or a key that could not be recorded
     * @throws EphemeralKeyException as thrown by the source when minting failed (nothing is left minted)
     */
    public MintedKey mint(String roleName, MintRequest request) {
        Objects.requireNonNull(request, "request");
        Role role = role(roleName);
        checkAllowed(role, request.jobFullName());
        KeySource source = sources.get(role.organization());
        if (source == null) {
            throw new BrokerException("OpenAI key role " + role.name() + " uses organization '"
                    + role.organization() + "', which has no key source configured: add that organization under "
                    + CONFIG_PAGE);
        }
        Duration ttl = request.requestedTtlOrNull() == null ? role.ttl() : request.requestedTtlOrNull();
        if (ttl.compareTo(role.maxTtl()) > 0) {
            throw new BrokerException("TTL " + Ttls.format(ttl) + " is above role " + role.name() + "'s max TTL "
                    + Ttls.format(role.maxTtl()) + ": ask for at most " + Ttls.format(role.maxTtl()));
        }
        String name = names.render(role, request, clock.instant().plus(ttl));
        String who = "role " + role.name() + ", job " + request.jobFullName() + " #" + request.buildId();

        long start = System.nanoTime();
        MintedKey key;
        try {
            key = source.mint(role, request, ttl, name);
        } catch (EphemeralKeyException e) {
            LOG.log(Level.WARNING, () -> "Could not mint an OpenAI key for " + who + " after " + millisSince(start)
                    + " ms: " + e.getMessage());
            throw e;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, () -> "Could not mint an OpenAI key for " + who + " after " + millisSince(start)
                    + " ms: unexpected " + e.getClass().getName());
            LOG.log(Level.FINE, "Unexpected mint failure", e);
            throw new BrokerException("Minting an OpenAI key for role " + role.name() + " failed unexpectedly ("
                    + e.getClass().getSimpleName() + "): see the Jenkins system log", e);
        }
        if (key == null) {
            throw new BrokerException("The key source of organization '" + role.organization()
                    + "' returned no key for role " + role.name() + ": this is a bug in the plugin");
        }
        RevocationHandle handle = key.handle();
        // An abort that lands once the key exists must not keep it out of the ledger: file I/O
        // on an interrupted thread fails (ClosedByInterruptException), and so would the HTTP
        // call undoing it. Record (or undo) first, then hand the interrupt back to the caller.
        boolean interrupted = Thread.interrupted();
        try {
            ledger.record(handle);
        } catch (RuntimeException e) {
            throw undoUnrecorded(source, handle, who, e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        KeyScope scope = key.scope();
        LOG.log(Level.INFO, () -> "Minted " + (scope == null ? "OpenAI " : "LiteLLM ") + handle.describeIds()
                + " for " + who + (scope == null ? "" : ", " + scope.describeLimits() + ", proxy " + scope.host())
                + ", TTL " + Ttls.format(ttl) + ", expires " + handle.expiresAt() + ", in " + millisSince(start) + " ms");
        return key;
    }

    /** A key that cannot be recorded could not be revoked after a restart: destroy it now. */
    private BrokerException undoUnrecorded(KeySource source, RevocationHandle handle, String who,
                                           RuntimeException recordFailure) {
        String why = describe(recordFailure);
        try {
            source.revoke(handle);
        } catch (RuntimeException revokeFailure) {
            LOG.log(Level.WARNING, () -> "Minted OpenAI " + handle.describeIds() + " for " + who
                    + " but could not record it (" + why + ") nor revoke it (" + describe(revokeFailure)
                    + "): delete it by hand");
            BrokerException e = new BrokerException("Minted OpenAI " + handle.describeIds()
                    + " but could neither record it for revocation (" + why + ") nor revoke it ("
                    + describe(revokeFailure) + "): delete it by hand and fix the Jenkins controller's storage",
                    recordFailure);
            e.addSuppressed(revokeFailure);
            return e;
        }
        LOG.log(Level.WARNING, () -> "Minted OpenAI " + handle.describeIds() + " for " + who
                + " but could not record it (" + why + "), so it was revoked at once");
        return new BrokerException("Could not record the new OpenAI key for revocation (" + why
                + "), so it was revoked at once: fix the Jenkins controller's storage and try again", recordFailure);
    }

    /**
     * Destroys the key behind the handle. Idempotent and thread-safe: concurrent calls for
     * the same handle share exactly one remote revoke and its outcome, and a call after a
     * success does nothing. On failure the handle stays in (or is put back into) the ledger,
     * the failure is logged once, and a later call or {@link #retryPending()} tries again.
     *
     * @throws EphemeralKeyException as thrown by the source, or a {@link BrokerException}
     */
    public void revoke(RevocationHandle handle) {
        Objects.requireNonNull(handle, "handle");
        String id = handle.id();
        if (revoked.contains(id)) {
            return;
        }
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> running = inFlight.putIfAbsent(id, mine);
        if (running != null) {
            awaitOther(running, handle);
            return;
        }
        try {
            // A revoke may have finished between the check above and putIfAbsent.
            if (!revoked.contains(id)) {
                revokeNow(handle);
            }
            mine.complete(null);
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(id, mine);
        }
    }

    private void awaitOther(CompletableFuture<Void> running, RevocationHandle handle) {
        try {
            running.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerException("Interrupted while waiting for the revoke of OpenAI " + handle.describeIds()
                    + ": it stays queued and will be retried");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new BrokerException("Revoking OpenAI " + handle.describeIds() + " failed: it stays queued and"
                    + " will be retried", cause);
        }
    }

    private void revokeNow(RevocationHandle h) {
        long start = System.nanoTime();
        String who = "role " + h.role() + ", job " + h.jobFullName() + " #" + h.buildId();
        try {
            KeySource source = sources.get(h.organization());
            if (source == null) {
                throw new BrokerException("Cannot revoke OpenAI " + h.describeIds() + " because organization '"
                        + h.organization() + "' has no key source configured any more: restore it under "
                        + CONFIG_PAGE + " or delete the key by hand");
            }
            source.revoke(h);
        } catch (RuntimeException e) {
            RuntimeException reported = e instanceof EphemeralKeyException ? e
                    : new BrokerException("Revoking OpenAI " + h.describeIds() + " failed unexpectedly ("
                    + e.getClass().getSimpleName() + "): it stays queued and will be retried", e);
            RevokeFailure f = failing.compute(h.id(), (id, previous) -> RevokeFailure.of(h, previous,
                    describe(reported), clock.instant(), backoff));
            LOG.log(f.attempts() == 1 ? Level.WARNING : Level.FINE, () -> "Could not revoke OpenAI " + h.describeIds()
                    + " for " + who + " after " + millisSince(start) + " ms (attempt " + f.attempts()
                    + "), will retry at " + f.nextAttempt() + ": " + reported.getMessage());
            if (!(e instanceof EphemeralKeyException)) {
                LOG.log(Level.FINE, "Unexpected revoke failure", e);
            }
            keepInLedger(h);
            throw reported;
        }
        revoked.add(h.id());
        failing.remove(h.id());
        try {
            ledger.remove(h.id());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, () -> "Revoked " + vendor(h) + h.describeIds() + " but could not remove it from the"
                    + " revocation ledger (" + describe(e) + "): the next retry removes it");
        }
        LOG.log(Level.INFO, () -> "Revoked " + vendor(h) + h.describeIds() + " for " + who + " in "
                + millisSince(start) + " ms");
    }

    /** A handle whose revoke failed must be retryable even if the caller got it elsewhere. */
    private void keepInLedger(RevocationHandle h) {
        try {
            ledger.record(h);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, () -> "Could not keep OpenAI " + h.describeIds() + " in the revocation ledger ("
                    + describe(e) + ")");
        }
    }

    /**
     * Revokes the ledger's handles that are due: those whose revoke failed before, and
     * those whose key has expired. Keys still in use by running builds are left alone
     * (their builds revoke them when they end). For the periodic task and for replay after
     * a restart. Failures are logged once per handle and stay queued; a handle whose revoke
     * failed waits out its {@link RevokeBackoff} before it is tried again.
     *
     * @return how many keys were revoked by this call
     */
    public int retryPending() {
        Instant now = clock.instant();
        return revokeMatching(h -> failing.containsKey(h.id()) || !h.expiresAt().isAfter(now));
    }

    /**
     * The keys whose revoke keeps failing, oldest handle first: for an administrative monitor.
     * A key leaves the list when a revoke succeeds (or is found already gone).
     */
    public List<RevokeFailure> failingRevokes() {
        return failing.values().stream()
                .sorted(java.util.Comparator.comparing(RevokeFailure::lastAttempt)
                        .thenComparing(RevokeFailure::handleId))
                .toList();
    }

    /**
     * Revokes the ledger's handles that match, e.g. those of a build that ended without
     * revoking (a freestyle build lost in a restart). Same single-flight and logging as
     * {@link #revoke}; a handle whose revoke failed is skipped until its backoff has passed.
     *
     * @return how many keys were revoked by this call
     */
    public int revokeMatching(Predicate<RevocationHandle> which) {
        Objects.requireNonNull(which, "which");
        int done = 0;
        int failed = 0;
        Instant now = clock.instant();
        for (RevocationHandle h : ledger.pending()) {
            if (Thread.currentThread().isInterrupted()) {
                break;
            }
            if (revoked.contains(h.id())) {
                removeQuietly(h); // revoked earlier, but its removal from the ledger failed
                continue;
            }
            RevokeFailure backingOff = failing.get(h.id());
            if (backingOff != null && backingOff.nextAttempt().isAfter(now) || !which.test(h)) {
                continue;
            }
            try {
                revoke(h);
                done++;
            } catch (RuntimeException e) {
                failed++; // logged by revokeNow, once per handle
            }
        }
        if (done + failed > 0) {
            int d = done;
            int f = failed;
            LOG.log(Level.INFO, () -> "Revoked " + d + " pending key(s); " + f + " still failing and queued");
        }
        return done;
    }

    private void removeQuietly(RevocationHandle h) {
        try {
            ledger.remove(h.id());
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, () -> "Still cannot remove revoked handle " + h.id() + " from the ledger: " + describe(e));
        }
    }

    /** A failure for a message: our own sentences as they are, anything else with its type. */
    private static String describe(Throwable t) {
        return EphemeralKeyException.safeMessage(t);
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    @Override
    public String toString() {
        return "KeyBroker{roles=" + roles.keySet() + ", organizations=" + sources.keySet() + ", prefix="
                + names.prefix() + "}";
    }

    /** "OpenAI " or "LiteLLM ", for log lines that name what kind of key a handle is for. */
    private static String vendor(RevocationHandle h) {
        return h.source().isLiteLlm() ? "LiteLLM " : "OpenAI ";
    }
}
