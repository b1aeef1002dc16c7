package io.jenkins.plugins.openaikeys.core.openai;

import io.jenkins.plugins.openaikeys.core.http.Retrier;
import io.jenkins.plugins.openaikeys.core.http.Retrier.Outcome;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Creates a service account without ever leaving a second one behind.
 *
 * <p>The create POST is not idempotent and OpenAI has no idempotency key. When its outcome
 * is unknown — the request went out and then the connection broke, timed out, or OpenAI
 * answered 408/409/5xx — the account may exist, but its key value (returned only in the
 * lost answer) is gone. So we look the account up by its unique name, delete it if it is
 * there, and try again under a fresh name. A 4xx is definitive (nothing created), a 429 or
 * a failure to connect means nothing was sent or done: those retry under the same name.
 * If the lookup itself fails we stop and say so; the name's expiry stamp lets the orphan
 * sweeper delete the account later.
 */
final class ServiceAccountCreator {

    private static final Logger LOGGER = Logger.getLogger(ServiceAccountCreator.class.getName());

    /** What the creator needs from the rest of the client. */
    interface Accounts {
        List<ServiceAccount> list(String projectId);

        void delete(String projectId, String serviceAccountId);
    }

    private final OpenAiTransport transport;
    private final Retrier retrier;
    private final OpenAiErrors errors;
    private final OpenAiJson json;
    private final Accounts accounts;

    ServiceAccountCreator(OpenAiTransport transport, Retrier retrier, OpenAiErrors errors, OpenAiJson json,
                          Accounts accounts) {
        this.transport = transport;
        this.retrier = retrier;
        this.errors = errors;
        this.json = json;
        this.accounts = accounts;
    }

    CreatedServiceAccount create(String projectId, Supplier<String> uniqueNames) {
        Creation creation = new Creation(projectId, uniqueNames);
        return retrier.run(attempts -> creation.attempt());
    }

    /** One create, over its attempts: the name in use, and whether the last attempt burnt it. */
    private final class Creation {
        private final String projectId;
        private final Supplier<String> uniqueNames;
        private final Set<String> used = new HashSet<>();
        private String currentName;
        private boolean ambiguous;

        Creation(String projectId, Supplier<String> uniqueNames) {
            this.projectId = projectId;
            this.uniqueNames = uniqueNames;
            this.currentName = fresh(uniqueNames, used);
        }

        Outcome<CreatedServiceAccount> attempt() {
            if (ambiguous) {
                currentName = fresh(uniqueNames, used); // the last attempt may have created it under the old name
            }
            String name = currentName;
            ApiCall call = ApiCall.post(json.nameBody(name, null), "organization", "projects", projectId,
                    "service_accounts").aboutProject(projectId);
            RawResponse r = null;
            IOException io = null;
            try {
                r = transport.send(call);
            } catch (IOException e) {
                io = e;
            }
            if (r != null && r.isSuccess()) {
                return Outcome.success(readCreated(call, r, projectId, name));
            }
            boolean interrupted = io != null && CallExecutor.isInterruption(io);
            ambiguous = io != null ? !Outcomes.surelyNotSent(io) : Outcomes.isAmbiguousStatus(r.status());
            if (ambiguous) {
                String why = io != null ? io.getClass().getSimpleName() : "status " + r.status();
                String requestId = r == null ? null : r.requestId();
                if (interrupted) {
                    Thread.interrupted(); // clean up first, then honour the abort
                    try {
                        removeIfCreated(projectId, name, why, requestId);
                    } finally {
                        Thread.currentThread().interrupt();
                    }
                } else {
                    removeIfCreated(projectId, name, why, requestId);
                }
            }
            if (interrupted) {
                throw errors.interrupted(call);
            }
            IOException ioFailure = io;
            RawResponse answer = r;
            Outcome<CreatedServiceAccount> failed = Outcome.<CreatedServiceAccount>failure((attempts, elapsed) -> {
                OpenAiException failure = ioFailure != null ? errors.unreachable(call, ioFailure, attempts)
                        : errors.fromResponse(call, answer, attempts, elapsed);
                // thrown, and reported by the caller (the broker's "Could not mint"): FINE here
                LOGGER.log(Level.FINE, "Creating service account {0} failed: {1}",
                        new Object[] {name, failure.getMessage()});
                return failure;
            }).retryableIf(io != null || errors.isRetryable(r))
                    .beforeRetry((attempts, delay) -> LOGGER.log(Level.FINE, "Creating service account {0} in project"
                            + " {1} failed ({2}, x-request-id {3}), retrying in {4} ms", new Object[] {name, projectId,
                            ioFailure != null ? ioFailure.getClass().getSimpleName() : answer.status(),
                            answer == null ? null : answer.requestId(), delay.toMillis()}))
                    .whenInterrupted(() -> errors.interrupted(call));
            return r == null ? failed : failed.hintedBy(r::header);
        }
    }

    private CreatedServiceAccount readCreated(ApiCall call, RawResponse r, String projectId, String name) {
        try {
            CreatedServiceAccount created = json.createdServiceAccount(call, r);
            LOGGER.log(Level.FINE, "Created service account {0} ({1}) with key {2} in project {3} (x-request-id {4})",
                    new Object[] {created.account().id(), name, created.keyId(), projectId, r.requestId()});
            return created;
        } catch (OpenAiException unreadable) {
            // Created, but the key cannot be read: the account is useless, remove it.
            removeIfCreated(projectId, name, "unreadable answer", r.requestId());
            throw unreadable;
        }
    }

    private void removeIfCreated(String projectId, String name, String why, String requestId) {
        List<ServiceAccount> matches;
        try {
            matches = accounts.list(projectId).stream().filter(a -> name.equals(a.name())).toList();
        } catch (OpenAiException e) {
            throw unknownOutcome(projectId, name, "could not be listed", e);
        }
        if (matches.isEmpty()) {
            LOGGER.log(Level.INFO, "Creating service account {0} in project {1} had an unknown outcome ({2}, "
                    + "x-request-id {3}); OpenAI did not create it", new Object[] {name, projectId, why, requestId});
            return;
        }
        for (ServiceAccount orphan : matches) {
            LOGGER.log(Level.WARNING, "Creating service account {0} in project {1} had an unknown outcome ({2}, "
                    + "x-request-id {3}) but OpenAI created it as {4}; its key was never received, deleting it",
                    new Object[] {name, projectId, why, requestId, orphan.id()});
            try {
                accounts.delete(projectId, orphan.id());
            } catch (OpenAiException e) {
                throw unknownOutcome(projectId, name, "could not delete " + orphan.id(), e);
            }
        }
    }

    private static OpenAiException unknownOutcome(String projectId, String name, String what, OpenAiException e) {
        return new OpenAiException("Creating service account " + name + " in project " + projectId
                + " had an unknown outcome and its clean-up " + what + " (" + (e.status() == 0 ? "no answer"
                : "status " + e.status()) + ", x-request-id " + e.requestId()
                + "): retry later, the orphan sweeper deletes the account if it exists.",
                e.status(), e.type(), e.code(), e.requestId(), true, e);
    }

    private static String fresh(Supplier<String> names, Set<String> used) {
        String name = names.get();
        if (name == null || name.isBlank() || !used.add(name)) {
            throw new IllegalArgumentException("the service-account name supplier must return a new name each time");
        }
        return name;
    }
}
