package io.jenkins.plugins.openaikeys.steps;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.Util;
import hudson.model.Item;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.openaikeys.config.RoleChoices;
import java.util.Set;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;

/**
 * {@code withOpenAIKey('evals') { … }}: a fresh OpenAI key for the duration of a block.
 *
 * <p>The step holds configuration only (role, variable, TTL as the user wrote them); minting,
 * binding, masking and revocation are in {@link WithOpenAIKeyExecution}.
 */
public final class WithOpenAIKeyStep extends Step {

    private final String role;
    private String variable;
    private String ttl;

    @DataBoundConstructor
    public WithOpenAIKeyStep(String role) {
        this.role = Util.fixEmptyAndTrim(role);
    }

    public String getRole() {
        return role;
    }

    /** The variable for the key; null means the role's (default {@code OPENAI_API_KEY}). */
    public @CheckForNull String getVariable() {
        return variable;
    }

    @DataBoundSetter
    public void setVariable(String variable) {
        this.variable = Util.fixEmptyAndTrim(variable);
    }

    /** Requested lifetime such as {@code 20m}; null means the role's TTL. */
    public @CheckForNull String getTtl() {
        return ttl;
    }

    @DataBoundSetter
    public void setTtl(String ttl) {
        this.ttl = Util.fixEmptyAndTrim(ttl);
    }

    @Override
    public StepExecution start(StepContext context) {
        return new WithOpenAIKeyExecution(context, role, variable, ttl);
    }

    @Extension
    @Symbol("withOpenAIKey")
    public static final class DescriptorImpl extends StepDescriptor {

        @Override
        public String getFunctionName() {
            return "withOpenAIKey";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "Bind a short-lived OpenAI API key to a variable";
        }

        @Override
        public boolean takesImplicitBlockArgument() {
            return true;
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class);
        }

        /** Role names for the Snippet Generator; empty unless the user may configure the job. */
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
