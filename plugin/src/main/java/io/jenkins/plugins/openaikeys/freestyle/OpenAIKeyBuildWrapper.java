package io.jenkins.plugins.openaikeys.freestyle;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.Launcher;
import hudson.Util;
import hudson.console.ConsoleLogFilter;
import hudson.model.AbstractBuild;
import hudson.model.AbstractProject;
import hudson.model.InvisibleAction;
import hudson.model.Item;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.tasks.BuildWrapperDescriptor;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.openaikeys.config.RoleChoices;
import io.jenkins.plugins.openaikeys.core.broker.MintedKey;
import io.jenkins.plugins.openaikeys.core.broker.RevocationHandle;
import io.jenkins.plugins.openaikeys.masking.SecretMask;
import io.jenkins.plugins.openaikeys.runtime.HeldKey;
import io.jenkins.plugins.openaikeys.runtime.KeyExpiry;
import io.jenkins.plugins.openaikeys.runtime.KeyService;
import io.jenkins.plugins.openaikeys.steps.KeyVariables;
import io.jenkins.plugins.openaikeys.usage.UsageKeys;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.charset.Charset;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jenkins.tasks.SimpleBuildWrapper;
import org.jenkinsci.plugins.credentialsbinding.masking.SecretPatterns;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.Stapler;
import org.kohsuke.stapler.StaplerRequest2;

/**
 * Freestyle (and other {@link AbstractBuild}) builds: "Mint an OpenAI API key" for the whole build,
 * bound as an environment variable, masked in the console, revoked when the build ends.
 *
 * <p>Why it refuses to run inside Pipeline ({@code wrap(...)}): Pipeline's generic wrapper step
 * keeps a wrapper's environment in program.dat in plain text, which would put the key on disk.
 * Pipeline users get the same with {@code withOpenAIKey}, which stores it encrypted.
 *
 * <p>Why it has no {@code @Symbol}: a symbol on a {@link SimpleBuildWrapper} makes it a "step" of
 * Pipeline's {@code wrap}: the Snippet Generator would list {@code mintOpenAIKey} among the steps
 * and {@code mintOpenAIKey(…)} would be accepted in a Pipeline script, only to fail. Without one,
 * Pipeline offers it nowhere but the generic {@code wrap} step's list, where its form says to use
 * {@code withOpenAIKey} ({@link DescriptorImpl#isPipeline()}), and {@code wrap([$class: …])} fails
 * with that one sentence. Freestyle job XML names the class, not a symbol; Job DSL's dynamic DSL
 * names it {@code openAIKeyBuildWrapper}. It stays a {@link SimpleBuildWrapper} (rather than a
 * plain {@code BuildWrapper}) so that {@code wrap([$class: 'OpenAIKeyBuildWrapper'])} reaches
 * {@link #setUp} and its sentence instead of a type error with a stack trace.
 *
 * <p>TTL: while the build runs, a timer ({@link KeyExpiry}) revokes the key when its TTL ends and
 * says so in the build log.
 */
public final class OpenAIKeyBuildWrapper extends SimpleBuildWrapper {

    private final String role;
    private String variable;
    private String ttl;

    @DataBoundConstructor
    public OpenAIKeyBuildWrapper(String role) {
        this.role = Util.fixEmptyAndTrim(role);
    }

    public String getRole() {
        return role;
    }

    public @CheckForNull String getVariable() {
        return variable;
    }

    @DataBoundSetter
    public void setVariable(String variable) {
        this.variable = Util.fixEmptyAndTrim(variable);
    }

    public @CheckForNull String getTtl() {
        return ttl;
    }

    @DataBoundSetter
    public void setTtl(String ttl) {
        this.ttl = Util.fixEmptyAndTrim(ttl);
    }

    private String effectiveVariable() {
        return KeyVariables.resolve(variable, RoleChoices.roleVariable(role));
    }

    @Override
    public void setUp(Context context, Run<?, ?> build, FilePath workspace, Launcher launcher, TaskListener listener,
            EnvVars initialEnvironment) throws IOException, InterruptedException {
        if (!(build instanceof AbstractBuild)) {
            throw new AbortException(pipelineSentence(role));
        }
        if (role == null) {
            throw new AbortException("Choose a role for \"Mint an OpenAI API key\" in the job configuration.");
        }
        String var = effectiveVariable();
        String variableProblem = KeyVariables.problem(var);
        if (variableProblem != null) {
            throw new AbortException(variableProblem);
        }
        Duration requested = KeyService.parseTtl(ttl);
        KeyService.authorize(role, build);
        Instant mintedAt = Instant.now();
        MintedKey key = KeyService.mint(role, requested, build, listener);
        RevocationHandle handle = key.handle();
        HeldKey held = null;
        try {
            held = HeldKey.of(key, role, requested, mintedAt);
            UsageKeys.started(build, key, mintedAt);
            String plain = key.value().reveal();
            build.addAction(new MaskAction(SecretMask.of(List.of(plain))));
            context.env(var, plain);
            for (Map.Entry<String, String> e : KeyVariables.publicValues(var, key.keyId(), key.projectId(),
                    key.serviceAccountId(), key.baseUrl(), key.keyAlias()).entrySet()) {
                context.env(e.getKey(), e.getValue());
            }
            context.setDisposer(new RevokeDisposer(handle, handle.id(), key.keyId(), held));
            // A freestyle build does not survive a restart, so the timer is armed once; its line goes
            // to this build's log while the build runs.
            KeyExpiry.get().arm(held, handle, () -> listener, "build");
        } catch (Exception | Error e) {
            // No environment is returned when setUp throws, so no disposer would run: revoke now.
            if (held != null) {
                KeyExpiry.get().disarm(held.handleId());
            }
            KeyService.revokeAfterFailure(key, listener, e);
            throw e;
        }
    }

    /** The one sentence for anyone who runs this wrapper in Pipeline. */
    static String pipelineSentence(@CheckForNull String role) {
        String shown = role == null ? "…" : "'" + role + "'";
        return "In Pipeline use withOpenAIKey(role: " + shown + ") { … } instead of wrap(...):"
                + " wrap would store the key unencrypted in the build directory.";
    }

    @Override
    public ConsoleLogFilter createLoggerDecorator(@NonNull Run<?, ?> build) {
        return new FreestyleMaskFilter(build);
    }

    @SuppressWarnings("rawtypes")
    @Override
    public void makeSensitiveBuildVariables(AbstractBuild build, Set<String> sensitiveVariables) {
        super.makeSensitiveBuildVariables(build, sensitiveVariables);
        sensitiveVariables.add(effectiveVariable());
    }

    /**
     * Carries the mask from {@link #setUp} (which runs after the build log was decorated) to the
     * log filter. The mask is transient: this action is saved with the build as an empty element.
     */
    static final class MaskAction extends InvisibleAction {
        private final transient SecretMask mask;

        MaskAction(SecretMask mask) {
            this.mask = mask;
        }

        @CheckForNull SecretMask mask() {
            return mask;
        }
    }

    /** Masks from the moment {@link #setUp} has minted; lines before that cannot contain the key. */
    private static final class FreestyleMaskFilter extends ConsoleLogFilter implements Serializable {
        private static final long serialVersionUID = 1L;

        private final transient Run<?, ?> build;
        private final String charsetName;

        FreestyleMaskFilter(Run<?, ?> build) {
            this.build = build;
            Charset charset = build.getCharset();
            this.charsetName = charset.name();
        }

        @SuppressWarnings("rawtypes")
        @Override
        public OutputStream decorateLogger(Run ignored, OutputStream logger) {
            return new SecretPatterns.MaskingOutputStream(logger, () -> {
                MaskAction action = build == null ? null : build.getAction(MaskAction.class);
                SecretMask mask = action == null ? null : action.mask();
                return mask == null ? null : mask.pattern();
            }, charsetName);
        }
    }

    /** Revokes at the end of the build; holds ids only (and the in-memory handle, not serialized). */
    private static final class RevokeDisposer extends Disposer {
        private static final long serialVersionUID = 1L;

        private transient RevocationHandle handle;
        private final String handleId;
        private final String keyId;
        private final HeldKey held;

        RevokeDisposer(RevocationHandle handle, String handleId, String keyId, HeldKey held) {
            this.handle = handle;
            this.handleId = handleId;
            this.keyId = keyId;
            this.held = held;
        }

        @Override
        public void tearDown(Run<?, ?> build, FilePath workspace, Launcher launcher, TaskListener listener) {
            if (held != null) {
                KeyService.revokeAtEnd(handle, held, listener);
            } else {
                KeyService.revoke(handle, handleId, keyId, listener);
            }
            handle = null;
            UsageKeys.ended(handleId, listener);
        }
    }

    @Extension
    public static final class DescriptorImpl extends BuildWrapperDescriptor {

        @Override
        public boolean isApplicable(AbstractProject<?, ?> item) {
            return true;
        }

        /**
         * Whether the form is being shown outside a freestyle (or other {@link AbstractProject})
         * job, i.e. in the Snippet Generator's list of the generic {@code wrap} step, which lists every
         * {@link SimpleBuildWrapper} without asking it. The form then shows the Pipeline sentence
         * instead of its fields.
         */
        public boolean isPipeline() {
            StaplerRequest2 request = Stapler.getCurrentRequest2();
            return request == null || request.findAncestorObject(AbstractProject.class) == null;
        }

        /** What {@link #isPipeline()} forms show. */
        public String getPipelineSentence() {
            return pipelineSentence(null);
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "Mint an OpenAI API key";
        }

        public ListBoxModel doFillRoleItems(@AncestorInPath Item item) {
            return RoleChoices.forItem(item);
        }

        public FormValidation doCheckRole(@AncestorInPath Item item, @QueryParameter String value) {
            return RoleChoices.checkRole(item, value);
        }

        public FormValidation doCheckVariable(@AncestorInPath Item item, @QueryParameter String value) {
            return RoleChoices.checkVariable(item, value);
        }

        public FormValidation doCheckTtl(@AncestorInPath Item item, @QueryParameter String value,
                                       @QueryParameter String role) {
            return RoleChoices.checkTtl(item, value, role);
        }
    }
}
