package io.jenkins.plugins.openaikeys.steps;

import edu.umd.cs.findbugs.annotations.NonNull;
import io.jenkins.plugins.openaikeys.masking.SecretMask;
import org.jenkinsci.plugins.workflow.steps.FailureHandler;
import org.jenkinsci.plugins.workflow.steps.StepContext;

/**
 * Masks the key out of the failure of every step inside a {@code withOpenAIKey} block, before
 * Pipeline records it.
 *
 * <p>Why: a step that fails with the key in its message ({@code error("… $OPENAI_API_KEY …")},
 * a tool's exception quoting its arguments) has its exception written to its own flow node on disk
 * ({@code workflow/*.xml}, the {@code ErrorAction}) and shown on its page, outside the console that
 * the log filter masks. Pipeline asks the {@link FailureHandler} of the failing step's context to
 * rewrite the exception first; this one is put into the body's context, as credentials-binding's
 * {@code withCredentials} does (SECURITY-3499). The mask is a {@link SecretMask}, so it is kept
 * encrypted in program.dat.
 */
final class MaskingFailureHandler implements FailureHandler {

    private static final long serialVersionUID = 1L;

    private final SecretMask mask;

    MaskingFailureHandler(@NonNull SecretMask mask) {
        this.mask = mask;
    }

    @Override
    public @NonNull Throwable handle(@NonNull StepContext ctx, @NonNull Throwable t) {
        return mask.mask(t);
    }
}
