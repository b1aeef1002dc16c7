package io.jenkins.plugins.openaikeys.steps;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import io.jenkins.plugins.openaikeys.core.policy.Role;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment variable names a minted key is bound to, shared by the Pipeline step and the
 * freestyle wrapper so both document and bind exactly the same names.
 *
 * <p>Why derived names: a build may nest two blocks with different variables; deriving the id
 * variables from the key variable ({@code OPENAI_API_KEY} → {@code OPENAI_API_KEY_ID}) keeps the
 * two blocks from overwriting each other's ids. Only the key itself is secret; ids are public and
 * are bound as plain variables so they can be logged.
 */
public final class KeyVariables {

    /** Used when neither the step nor the role names a variable. */
    public static final String DEFAULT_VARIABLE = "OPENAI_API_KEY";

    private KeyVariables() {}

    /**
     * Why {@code name} cannot carry a key, as one sentence ("The variable 'PATH' is …"), or null
     * when it can. The rule is core's ({@link Role#variableProblem}), so the step, the wrapper and
     * the role form refuse the same names: bad syntax, and variables the build itself needs.
     */
    public static @CheckForNull String problem(@CheckForNull String name) {
        String problem = Role.variableProblem(name);
        return problem == null ? null : "The variable " + problem + ".";
    }

    /** Public id variables for a key bound to {@code variable}, in binding order. */
    public static @NonNull Map<String, String> publicValues(@NonNull String variable, @NonNull String keyId,
            @CheckForNull String projectId, @CheckForNull String serviceAccountId) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put(variable + "_ID", keyId);
        if (projectId != null) {
            values.put(variable + "_PROJECT_ID", projectId);
        }
        if (serviceAccountId != null) {
            values.put(variable + "_SERVICE_ACCOUNT_ID", serviceAccountId);
        }
        return values;
    }

    /**
     * As {@link #publicValues(String, String, String, String)}, plus for a LiteLLM virtual key the
     * proxy's URL as {@value #BASE_URL_VARIABLE} (OpenAI SDKs read it, so they call the proxy with the
     * key) and the key's alias as {@code <variable>_ALIAS}. Both are public.
     */
    public static @NonNull Map<String, String> publicValues(@NonNull String variable, @NonNull String keyId,
            @CheckForNull String projectId, @CheckForNull String serviceAccountId, @CheckForNull String baseUrl,
            @CheckForNull String keyAlias) {
        Map<String, String> values = publicValues(variable, keyId, projectId, serviceAccountId);
        if (keyAlias != null) {
            values.put(variable + "_ALIAS", keyAlias);
        }
        if (baseUrl != null) {
            values.put(BASE_URL_VARIABLE, baseUrl);
        }
        return values;
    }

    /** Where OpenAI SDKs look for the API's URL; bound only for LiteLLM keys. */
    public static final String BASE_URL_VARIABLE = "OPENAI_BASE_URL";

    /** Picks the variable: the explicit one, else the role's, else {@link #DEFAULT_VARIABLE}. */
    public static @NonNull String resolve(@CheckForNull String explicit, @CheckForNull String fromRole) {
        if (explicit != null && !explicit.isBlank()) {
            return explicit.trim();
        }
        if (fromRole != null && !fromRole.isBlank()) {
            return fromRole.trim();
        }
        return DEFAULT_VARIABLE;
    }
}
