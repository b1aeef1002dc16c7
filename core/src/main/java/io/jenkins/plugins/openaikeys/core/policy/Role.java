package io.jenkins.plugins.openaikeys.core.policy;

import io.jenkins.plugins.openaikeys.core.broker.BrokerException;
import io.jenkins.plugins.openaikeys.core.broker.KeyBroker;
import io.jenkins.plugins.openaikeys.core.source.KeySource;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What a build may ask for by name: which OpenAI organization and project (or Vault engine
 * role) mints the key, how long it lives by default and at most, which variable the build
 * sees, and which jobs may use it. Builds never choose any of this themselves, so an
 * administrator's role definition is the whole policy.
 *
 * <p>Validated on construction, with one-sentence {@link BrokerException}s that the
 * configuration page can show as they are. Normalisation: a blank {@code projectId},
 * {@code engineRole} or {@code nameTemplate} is null; a null {@code maxTtl} equals
 * {@code ttl}; a null or blank {@code variable} is {@value #DEFAULT_VARIABLE}; a null
 * {@code allowedJobs} is empty (no job: a role serves nothing until an administrator names
 * its jobs, {@code **} for all) and blank entries are dropped.
 *
 * @param name         {@code [A-Za-z0-9_.-]+}, at most 64 characters
 * @param organization the key of the organization whose {@link KeySource} mints
 * @param projectId    OpenAI project (required by the adminApi source; informational for vaultEngine)
 * @param engineRole   role of Vault's OpenAI secrets engine (required by the vaultEngine source)
 * @param ttl          default lifetime, positive, at most {@code maxTtl}
 * @param maxTtl       the longest lifetime a build may request
 * @param variable     environment variable the key is bound to: {@code [A-Za-z_][A-Za-z0-9_]*}
 * @param nameTemplate service-account name template, null = {@link ServiceAccountNames#DEFAULT_TEMPLATE}
 * @param allowedJobs  globs on the job's full name (see {@link KeyBroker#checkAllowed}); empty = no job
 * @param models       LiteLLM models a litellmProxy key may call; empty = all the proxy allows (null = empty;
 *                     blank entries dropped, duplicates refused)
 * @param maxBudget    a litellmProxy key's budget in the proxy's currency, positive; null = none
 */
public record Role(String name, String organization, String projectId, String engineRole, Duration ttl,
                   Duration maxTtl, String variable, String nameTemplate, List<String> allowedJobs,
                   List<String> models, BigDecimal maxBudget) {

    /** A role without LiteLLM models or budget (every OpenAI role). */
    public Role(String name, String organization, String projectId, String engineRole, Duration ttl,
                Duration maxTtl, String variable, String nameTemplate, List<String> allowedJobs) {
        this(name, organization, projectId, engineRole, ttl, maxTtl, variable, nameTemplate, allowedJobs, null,
                null);
    }

    public static final String DEFAULT_VARIABLE = "OPENAI_API_KEY";
    public static final int MAX_NAME_LENGTH = 64;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1," + MAX_NAME_LENGTH + "}");
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** LiteLLM model names: provider/model ids, wildcards and access groups, never whitespace or commas. */
    private static final Pattern MODEL = Pattern.compile("[A-Za-z0-9_.:/@*+-]{1,200}");
    /** Variables of the shell, the JVM and Jenkins itself that a key must never replace. */
    private static final java.util.Set<String> RESERVED_VARIABLES = java.util.Set.of("PATH", "HOME", "USER", "SHELL",
            "PWD", "TMPDIR", "LANG", "LD_PRELOAD", "LD_LIBRARY_PATH", "JAVA_HOME", "JENKINS_HOME", "JENKINS_URL",
            "WORKSPACE", "BUILD_NUMBER", "BUILD_ID", "BUILD_URL", "BUILD_TAG", "JOB_NAME", "JOB_URL", "NODE_NAME",
            "EXECUTOR_NUMBER");

    public Role {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new BrokerException("Role name '" + (name == null ? "" : name) + "' is not valid: use 1 to "
                    + MAX_NAME_LENGTH + " letters, digits, '_', '.' or '-'");
        }
        if (organization == null || organization.isBlank()) {
            throw new BrokerException("Role " + name + " has no organization: choose the OpenAI organization"
                    + " that mints its keys");
        }
        projectId = blankToNull(projectId);
        engineRole = blankToNull(engineRole);
        // Which of project id and engine role a role needs depends on its organization's kind
        // (a litellmProxy role needs neither): RoleCatalog and the key sources check that.
        if (ttl == null || ttl.isZero() || ttl.isNegative()) {
            throw new BrokerException("Role " + name + " has no positive TTL: set one such as 30m or 1h");
        }
        if (maxTtl == null) {
            maxTtl = ttl;
        }
        if (ttl.compareTo(maxTtl) > 0) {
            throw new BrokerException("Role " + name + "'s TTL " + Ttls.format(ttl) + " is above its max TTL "
                    + Ttls.format(maxTtl) + ": lower the TTL or raise the max TTL");
        }
        variable = variable == null || variable.isBlank() ? DEFAULT_VARIABLE : variable.trim();
        String variableProblem = variableProblem(variable);
        if (variableProblem != null) {
            throw new BrokerException("Role " + name + "'s variable " + variableProblem);
        }
        nameTemplate = blankToNull(nameTemplate);
        if (nameTemplate != null) {
            ServiceAccountNames.validateTemplate(nameTemplate);
        }
        List<String> jobs = new ArrayList<>();
        if (allowedJobs != null) {
            for (String glob : allowedJobs) {
                if (glob != null && !glob.isBlank()) {
                    jobs.add(glob.trim());
                }
            }
        }
        allowedJobs = List.copyOf(jobs);
        List<String> modelList = new ArrayList<>();
        if (models != null) {
            for (String model : models) {
                if (model == null || model.isBlank()) {
                    continue;
                }
                String m = model.trim();
                if (!MODEL.matcher(m).matches()) {
                    throw new BrokerException("Role " + name + "'s model '" + m + "' is not a model name: use the"
                            + " model names of the LiteLLM proxy, one per line, e.g. gpt-4o-mini");
                }
                if (modelList.contains(m)) {
                    throw new BrokerException("Role " + name + " lists model " + m + " twice: remove one");
                }
                modelList.add(m);
            }
        }
        models = List.copyOf(modelList);
        if (maxBudget != null && maxBudget.signum() <= 0) {
            throw new BrokerException("Role " + name + "'s max budget " + maxBudget.toPlainString()
                    + " is not positive: set a budget such as 5 or 50, or clear it for none");
        }
    }

    /**
     * Reads a max budget as an administrator typed it: null for blank.
     *
     * @throws BrokerException naming the role when it is not a positive decimal number
     */
    public static BigDecimal parseBudget(String role, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        BigDecimal budget;
        try {
            budget = new BigDecimal(text.trim());
        } catch (NumberFormatException e) {
            budget = null;
        }
        if (budget == null || budget.signum() <= 0 || budget.scale() > 6 || budget.precision() - budget.scale() > 12) {
            throw new BrokerException("Role " + (role == null || role.isEmpty() ? "''" : role) + "'s max budget '"
                    + text.trim() + "' is not a positive amount: use a number such as 5 or 12.50, or leave it empty");
        }
        return budget;
    }

    /** Splits models typed one per line or comma-separated; blanks dropped. */
    public static List<String> parseModels(String text) {
        List<String> out = new ArrayList<>();
        if (text != null) {
            for (String m : text.split("[,\\n\\r]+")) {
                if (!m.isBlank()) {
                    out.add(m.trim());
                }
            }
        }
        return out;
    }

    /**
     * Why {@code variable} cannot carry a key, or null when it can. Besides the syntax, names the
     * build itself relies on are refused: binding a key to {@code PATH} or {@code HOME} would break
     * every command of the block, and Jenkins' own variables would be overwritten.
     *
     * @return the end of a sentence starting with the variable, e.g. "'PATH' is ..."
     */
    public static String variableProblem(String variable) {
        if (variable == null || !VARIABLE.matcher(variable).matches()) {
            return "'" + (variable == null ? "" : variable) + "' is not a valid environment variable name: use"
                    + " letters, digits and '_', not starting with a digit";
        }
        if (RESERVED_VARIABLES.contains(variable.toUpperCase(java.util.Locale.ROOT))) {
            return "'" + variable + "' is a variable the build itself needs: choose another name such as "
                    + DEFAULT_VARIABLE;
        }
        return null;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
