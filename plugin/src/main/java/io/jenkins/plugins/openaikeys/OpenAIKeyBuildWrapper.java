package io.jenkins.plugins.openaikeys;

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
import io.jenkins.plugins.openaikeys.core.broker.MintedKey;
import io.jenkins.plugins.openaikeys.core.broker.RevocationHandle;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jenkins.tasks.SimpleBuildWrapper;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.credentialsbinding.masking.SecretPatterns;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;

/**
 * Freestyle (and other {@link AbstractBuild}) builds: "Mint an OpenAI API key" for the whole build,
 * bound as an environment variable, masked in the console, revoked when the build ends.
 *
 * <p>Why it refuses to run inside Pipeline ({@code wrap(...)}): Pipeline's generic wrapper step
 * keeps a wrapper's environment in program.dat in plain text, which would put the key on disk.
 * Pipeline users get the same with {@code withOpenAIKey}, which stores it encrypted.
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
            throw new AbortException("In Pipeline use withOpenAIKey(role: '" + role
                    + "') { … } instead of wrap(...): wrap would store the key unencrypted in the build directory.");
        }
        if (role == null) {
            throw new AbortException("Choose a role for \"Mint an OpenAI API key\" in the job configuration.");
        }
        String var = effectiveVariable();
        if (!KeyVariables.isValidName(var)) {
            throw new AbortException("The variable '" + var + "' is not a valid environment variable name.");
        }
        Duration requested = KeyService.parseTtl(ttl);
        KeyService.authorize(role, build);
        MintedKey key = KeyService.mint(role, requested, build, listener);
        RevocationHandle handle = key.handle();
        try {
            String plain = key.value().reveal();
            build.addAction(new MaskAction(SecretMask.of(List.of(plain))));
            context.env(var, plain);
            for (Map.Entry<String, String> e : KeyVariables.publicValues(var, key.keyId(), key.projectId(),
                    key.serviceAccountId()).entrySet()) {
                context.env(e.getKey(), e.getValue());
            }
            context.setDisposer(new RevokeDisposer(handle, handle.id(), key.keyId()));
        } catch (RuntimeException e) {
            // No environment is returned when setUp throws, so no disposer would run: revoke now.
            KeyService.revoke(handle, handle.id(), key.keyId(), listener);
            throw e;
        }
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

        RevokeDisposer(RevocationHandle handle, String handleId, String keyId) {
            this.handle = handle;
            this.handleId = handleId;
            this.keyId = keyId;
        }

        @Override
        public void tearDown(Run<?, ?> build, FilePath workspace, Launcher launcher, TaskListener listener) {
            KeyService.revoke(handle, handleId, keyId, listener);
            handle = null;
        }
    }

    @Extension
    @Symbol("mintOpenAIKey")
    public static final class DescriptorImpl extends BuildWrapperDescriptor {

        @Override
        public boolean isApplicable(AbstractProject<?, ?> item) {
            return true;
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
