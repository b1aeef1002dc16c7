package io.jenkins.plugins.openaikeys.steps;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.EnvVars;
import hudson.util.Secret;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jenkinsci.plugins.workflow.steps.EnvironmentExpander;

/**
 * Binds the key and its public ids inside the {@code withOpenAIKey} block.
 *
 * <p>Why this shape: the expander lives in program.dat for as long as the block runs, so the key is
 * held only as a {@link Secret} (written encrypted), and it is declared through
 * {@link #getSensitiveVariables()} so that Pipeline warns about Groovy string interpolation of it
 * and other plugins know not to record it. Ids are plain values: they are public and useful in logs.
 */
final class KeyEnvironment extends EnvironmentExpander {

    private static final long serialVersionUID = 1L;

    private final String variable;
    private final Secret value;
    private final Map<String, String> publicValues;

    KeyEnvironment(@NonNull String variable, @NonNull Secret value, @NonNull Map<String, String> publicValues) {
        this.variable = variable;
        this.value = value;
        this.publicValues = new LinkedHashMap<>(publicValues);
    }

    @Override
    public void expand(@NonNull EnvVars env) {
        env.override(variable, value.getPlainText());
        for (Map.Entry<String, String> e : publicValues.entrySet()) {
            env.override(e.getKey(), e.getValue());
        }
    }

    @Override
    public @NonNull Set<String> getSensitiveVariables() {
        return Collections.singleton(variable);
    }
}
