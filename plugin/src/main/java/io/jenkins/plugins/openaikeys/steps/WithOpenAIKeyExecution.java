package io.jenkins.plugins.openaikeys.steps;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.console.ConsoleLogFilter;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.Secret;
import io.jenkins.plugins.openaikeys.config.RoleChoices;
import io.jenkins.plugins.openaikeys.core.broker.MintedKey;
import io.jenkins.plugins.openaikeys.core.broker.RevocationHandle;
import io.jenkins.plugins.openaikeys.masking.MaskingLogFilter;
import io.jenkins.plugins.openaikeys.masking.SecretMask;
import io.jenkins.plugins.openaikeys.runtime.HeldKey;
import io.jenkins.plugins.openaikeys.runtime.KeyExpiry;
import io.jenkins.plugins.openaikeys.runtime.KeyService;
import io.jenkins.plugins.openaikeys.runtime.KeyTasks;
import io.jenkins.plugins.openaikeys.tasks.OrphanedKeyRevoker;
import io.jenkins.plugins.openaikeys.tasks.PendingRevocationsWork;
import io.jenkins.plugins.openaikeys.usage.UsageKeys;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jenkinsci.plugins.workflow.steps.BodyExecutionCallback;
import org.jenkinsci.plugins.workflow.steps.BodyInvoker;
import org.jenkinsci.plugins.workflow.steps.EnvironmentExpander;
import org.jenkinsci.plugins.workflow.steps.FailureHandler;
import org.jenkinsci.plugins.workflow.steps.GeneralNonBlockingStepExecution;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;

/**
 * Runs {@code withOpenAIKey}: on a background thread of the controller, authorize the job, mint a
 * key, bind and mask it, run the body, then revoke the key whether the body succeeded or failed.
 *
 * <p>What is serialized into program.dat (the block may outlive a restart): the role/variable/TTL
 * strings, the ledger handle id and public key id here; the key inside {@link KeyEnvironment} and
 * the mask inside {@link SecretMask}, both as encrypted {@link Secret}s. The in-memory
 * {@link RevocationHandle} is transient; after a restart it is looked up in the durable ledger by id.
 *
 * <p>Abort while minting: {@link #stop} fails the step at once but does <em>not</em> interrupt the
 * background thread (see there why); the thread finishes its mint and revokes whatever it minted
 * before it gives up ({@link #enterBody()} decides atomically, without holding a lock across calls
 * into Pipeline). Abort while the body runs: Pipeline stops only the innermost
 * steps, so the body fails and {@link Callback} revokes. If {@link #stop} did reach this execution
 * during the body, {@code run} would refuse new work, so the callback revokes on the plugin's own
 * threads ({@link KeyTasks}) instead. Anything missed is still in the ledger and is revoked when
 * the build finishes ({@link OrphanedKeyRevoker}) or by {@link PendingRevocationsWork}.
 *
 * <p>TTL: while the body runs, a timer ({@link KeyExpiry}) revokes the key when its TTL ends and
 * says so in the build log; the block end then says the key was already revoked. The timer lives in
 * memory, so {@link #onResume} arms it again after a restart.
 *
 * <p>Failures inside the body: a {@link FailureHandler} in the body's context masks the key out of
 * every failing step's exception before Pipeline records it in that step's flow node, as
 * credentials-binding does for {@code withCredentials}.
 */
@Restricted(NoExternalUse.class)
public final class WithOpenAIKeyExecution extends GeneralNonBlockingStepExecution {

    private static final long serialVersionUID = 1L;

    private static final Logger LOGGER = Logger.getLogger(WithOpenAIKeyExecution.class.getName());

    private final String role;
    private final String variable;
    private final String ttl;

    /** Set once minted: ids only. */
    private String handleId;
    private String keyId;
    /** Set once minted: ids, expiry and TTL texts, for the TTL timer (re-armed on resume) and its lines. */
    private HeldKey held;

    private transient boolean stopRequested;
    /** Serialized, so that a stop after a restart still knows the body (not a mint) is running. */
    private boolean bodyEntered;

    WithOpenAIKeyExecution(StepContext context, String role, String variable, String ttl) {
        super(context);
        this.role = role;
        this.variable = variable;
        this.ttl = ttl;
    }

    @Override
    public boolean start() {
        run(() -> {
            try {
                doStart();
            } catch (Exception e) {
                if (!stopRequested()) {
                    throw e;
                }
                // The step already failed with the stop's cause; this one has nowhere to go.
                LOGGER.log(Level.FINE, "withOpenAIKey start ended after a stop", e);
            }
        });
        return false;
    }

    private void doStart() throws Exception {
        StepContext context = getContext();
        Run<?, ?> run = context.get(Run.class);
        TaskListener listener = context.get(TaskListener.class);
        if (role == null) {
            throw new AbortException("withOpenAIKey needs a role, e.g. withOpenAIKey('evals') { … }.");
        }
        String var = KeyVariables.resolve(variable, RoleChoices.roleVariable(role));
        String variableProblem = KeyVariables.problem(var);
        if (variableProblem != null) {
            throw new AbortException(variableProblem);
        }
        Duration requested = KeyService.parseTtl(ttl);
        KeyService.authorize(role, run);

        Instant mintedAt = Instant.now();
        MintedKey key = KeyService.mint(role, requested, run, listener);
        RevocationHandle handle = key.handle();
        try {
            handleId = handle.id();
            keyId = key.keyId();
            held = HeldKey.of(key, role, requested, mintedAt);
            UsageKeys.started(run, key, mintedAt);
        } catch (RuntimeException | Error e) {
            KeyService.revokeAfterFailure(key, listener, e);
            throw e;
        }

        if (!enterBody()) {
            // Aborted while minting: the key must not outlive this thread.
            boolean interrupted = Thread.interrupted(); // let the revoke's own waits and I/O work
            try {
                KeyService.revoke(handle, handleId, keyId, listener);
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            return;
        }

        // Armed before the body starts, so that the callback's disarm always finds it (a quick body
        // could otherwise end first and leave a timer that later blames a block long finished).
        armTtl(handle);
        try {
            String plain = key.value().reveal();
            SecretMask mask = SecretMask.of(List.of(plain));
            KeyEnvironment environment = new KeyEnvironment(var, Secret.fromString(plain),
                    KeyVariables.publicValues(var, key.keyId(), key.projectId(), key.serviceAccountId(),
                            key.baseUrl(), key.keyAlias()));
            MaskingLogFilter filter = new MaskingLogFilter(mask, run.getCharset());
            FailureHandler masking = FailureHandler.merge(context.get(FailureHandler.class),
                    new MaskingFailureHandler(mask));
            context.newBodyInvoker()
                    .withContexts(
                            EnvironmentExpander.merge(context.get(EnvironmentExpander.class), environment),
                            BodyInvoker.mergeConsoleLogFilters(context.get(ConsoleLogFilter.class), filter),
                            masking)
                    .withCallback(new Callback(handle, handleId, keyId, mask, held))
                    .start();
        } catch (Exception | Error e) {
            // The body never started, so no callback will revoke: do it before reporting the error.
            KeyExpiry.get().disarm(handleId);
            KeyService.revokeAfterFailure(key, listener, e);
            throw e;
        }
    }

    /**
     * Arms the key's TTL timer; its line goes to this step's build log. Never throws: the body is
     * running, and without a timer the periodic task still revokes the key after its expiry.
     */
    private void armTtl(@CheckForNull RevocationHandle handle) {
        if (held == null) {
            return;
        }
        StepContext context = getContext();
        try {
            KeyExpiry.get().arm(held, handle, () -> listenerOf(context), "block");
        } catch (RuntimeException e) {
            LOGGER.log(Level.WARNING, "Could not arm the TTL timer of OpenAI key " + keyId
                    + "; the periodic task revokes it after its expiry", e);
        }
    }

    /**
     * After a restart while the body runs: the TTL timer was lost with the old JVM, arm it again
     * (at once if the TTL ended meanwhile: the key is revoked and the log says so).
     */
    @Override
    public void onResume() {
        super.onResume();
        boolean inBody;
        synchronized (this) {
            inBody = bodyEntered && !stopRequested;
        }
        if (inBody && held != null && handleId != null) {
            armTtl(null);
        }
    }

    static TaskListener listenerOf(StepContext context) {
        try {
            TaskListener listener = context.get(TaskListener.class);
            if (listener != null) {
                return listener;
            }
        } catch (IOException e) {
            LOGGER.log(Level.FINE, "No build log for an OpenAI key line", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return TaskListener.NULL;
    }

    /** True if the body may start; false if a stop arrived first (then it never will). */
    private synchronized boolean enterBody() {
        if (stopRequested) {
            return false;
        }
        bodyEntered = true;
        return true;
    }

    private synchronized boolean stopRequested() {
        return stopRequested;
    }

    /**
     * While minting, fails the step without interrupting the minting thread; otherwise stops as
     * {@link GeneralNonBlockingStepExecution} does.
     *
     * <p>Why no interrupt while minting: the broker records the new key's revocation handle on disk
     * through a {@code FileChannel}, which an interrupted thread cannot write
     * ({@code ClosedByInterruptException}), and its clean-up revoke is an HTTP call that an
     * interrupted thread cannot make either. An abort that lands just after OpenAI answered would
     * thus leave a live key behind that nothing records. Uninterrupted, the mint completes (bounded
     * by the HTTP timeouts and the retry policy), {@link #enterBody()} refuses the body, and the
     * thread revokes the key itself.
     */
    @Override
    public void stop(@NonNull Throwable cause) throws Exception {
        boolean minting;
        synchronized (this) {
            stopRequested = true;
            minting = !bodyEntered;
        }
        if (minting) {
            getContext().onFailure(cause);
            return;
        }
        super.stop(cause);
    }

    @Override
    public @NonNull String getStatus() {
        String status = super.getStatus();
        return keyId == null ? status : status + "; holding OpenAI key " + keyId;
    }

    /**
     * Revokes when the body ends (success or failure) and masks the key out of a failure. Like
     * {@link GeneralNonBlockingStepExecution.TailCall}, but that class's {@code onFailure} is final and
     * passes the body's exception on unchanged, and the exception may quote the key.
     */
    private final class Callback extends BodyExecutionCallback {

        private static final long serialVersionUID = 1L;

        private transient RevocationHandle handle;
        private final String handleId;
        private final String keyId;
        private final SecretMask mask;
        /** Null in a program.dat written before the TTL timer existed. */
        private final HeldKey held;

        Callback(RevocationHandle handle, String handleId, String keyId, SecretMask mask, HeldKey held) {
            this.handle = handle;
            this.handleId = handleId;
            this.keyId = keyId;
            this.mask = mask;
            this.held = held;
        }

        @Override
        public void onSuccess(StepContext context, Object result) {
            finish(context, () -> context.onSuccess(result));
        }

        @Override
        public void onFailure(StepContext context, Throwable t) {
            Throwable safe = mask.mask(t);
            finish(context, () -> context.onFailure(safe));
        }

        private void finish(StepContext context, Runnable complete) {
            if (stopRequested()) {
                // run() does nothing once stop() was called; the step's outcome is already decided.
                KeyTasks.get().submitQuietly("revoking OpenAI key " + keyId, () -> revoke(context));
                return;
            }
            run(() -> {
                revoke(context);
                complete.run();
            });
        }

        private void revoke(StepContext context) {
            TaskListener listener = listenerOf(context);
            if (held != null) {
                KeyService.revokeAtEnd(handle, held, listener);
            } else {
                KeyService.revoke(handle, handleId, keyId, listener);
            }
            handle = null;
            UsageKeys.ended(handleId, listener);
        }
    }

    /** For tests and diagnostics: the public id of the key this block holds, if any. */
    @CheckForNull String keyId() {
        return keyId;
    }
}
