package io.jenkins.plugins.openaikeys.core.policy;

import io.jenkins.plugins.openaikeys.core.EphemeralKeyException;
import io.jenkins.plugins.openaikeys.core.broker.BrokerException;
import io.jenkins.plugins.openaikeys.core.source.SourceKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The roles a controller serves, checked against its organizations, and one sentence for each
 * role that cannot be served. Why one place: the configuration page refuses to save, JCasC
 * refuses to apply, the administrative monitor and a build asking for such a role must all say
 * the same thing, and every sentence names the role.
 */
public final class RoleCatalog {

    private final Map<String, Role> roles;
    private final Map<String, String> unusable;
    private final List<String> problems;

    private RoleCatalog(Map<String, Role> roles, Map<String, String> unusable, List<String> problems) {
        this.roles = Collections.unmodifiableMap(roles);
        this.unusable = Collections.unmodifiableMap(unusable);
        this.problems = List.copyOf(problems);
    }

    /**
     * @param specs         the roles in configuration order
     * @param organizations the kind of each configured organization, by name
     */
    public static RoleCatalog of(List<RoleSpec> specs, Map<String, SourceKind> organizations) {
        Map<String, Role> roles = new LinkedHashMap<>();
        Map<String, String> unusable = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        int position = 0;
        for (RoleSpec spec : specs) {
            position++;
            String name = spec.name() == null ? "" : spec.name().trim();
            String problem;
            try {
                Role role = check(spec, name, organizations);
                problem = roles.containsKey(role.name()) || unusable.containsKey(role.name())
                        ? "Role " + role.name() + " is defined twice: rename or remove one" : null;
                if (problem == null) {
                    roles.put(role.name(), role);
                    continue;
                }
            } catch (EphemeralKeyException e) {
                problem = name.isEmpty() ? "Role number " + position + " has no name: give it one" : e.getMessage();
            }
            problems.add(problem);
            if (!name.isEmpty()) {
                roles.remove(name);
                unusable.putIfAbsent(name, problem);
            }
        }
        return new RoleCatalog(roles, unusable, problems);
    }

    private static Role check(RoleSpec spec, String name, Map<String, SourceKind> organizations) {
        Duration ttl = duration(name, "TTL", spec.ttl());
        Duration maxTtl = spec.maxTtl() == null || spec.maxTtl().isBlank() ? null
                : duration(name, "max TTL", spec.maxTtl());
        String organization = blankToNull(spec.organization());
        SourceKind kind = organization == null ? null : organizations.get(organization);
        if (organization != null && kind == null) {
            throw new BrokerException("Role " + name + " uses organization '" + organization
                    + "', which is not configured: add it under Organizations or choose another one");
        }
        boolean project = blankToNull(spec.projectId()) != null;
        boolean engineRole = blankToNull(spec.engineRole()) != null;
        java.util.List<String> models = Role.parseModels(spec.models());
        java.math.BigDecimal budget = Role.parseBudget(name, spec.maxBudget());
        boolean limits = !models.isEmpty() || budget != null;
        if (kind == SourceKind.ADMIN_API && !project) {
            throw new BrokerException("Role " + name + " mints in the Admin API organization " + organization
                    + " and needs an OpenAI project id (proj_…): set it");
        }
        if (kind == SourceKind.ADMIN_API && engineRole) {
            throw new BrokerException("Role " + name + " names the secrets engine role '" + spec.engineRole().trim()
                    + "', but organization " + organization + " mints through the Admin API, which ignores"
                    + " it: clear it or choose a Vault engine organization");
        }
        if ((kind == SourceKind.VAULT_ENGINE || kind == SourceKind.LITELLM_ENGINE) && !engineRole) {
            throw new BrokerException("Role " + name + " mints through the Vault secrets engine of organization "
                    + organization + " and needs the engine's role name: set it");
        }
        if (kind == SourceKind.LITELLM_ENGINE && limits) {
            throw new BrokerException("Role " + name + " sets models or a max budget, but the LiteLLM engine role '"
                    + spec.engineRole().trim() + "' in Vault fixes them for organization " + organization
                    + ": clear them here and set them in the engine role's key_request");
        }
        if (kind != null && !kind.isLiteLlm() && limits) {
            throw new BrokerException("Role " + name + " sets models or a max budget, which only a LiteLLM"
                    + " organization applies, but organization " + organization + " mints OpenAI keys: clear them");
        }
        if (kind == SourceKind.LITELLM_PROXY && (project || engineRole)) {
            throw new BrokerException("Role " + name + " names an OpenAI project or an engine role, which the LiteLLM"
                    + " proxy organization " + organization + " ignores: clear them");
        }
        return new Role(name, organization, spec.projectId(), spec.engineRole(), ttl, maxTtl, spec.variable(),
                spec.nameTemplate(), spec.allowedJobs(), models, budget);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static Duration duration(String role, String label, String text) {
        try {
            return Ttls.parse(text == null || text.isBlank() ? null : text);
        } catch (BrokerException e) {
            throw new BrokerException("Role " + (role.isEmpty() ? "''" : role) + "'s " + label + " '"
                    + (text == null ? "" : text.trim()) + "' is not a positive duration: use e.g. 30m, 1h, 90s or"
                    + " seconds", e);
        }
    }

    /** The roles that can be served, by name, in configuration order. */
    public Map<String, Role> roles() {
        return roles;
    }

    /** The configured roles that cannot be served, by name, with the sentence that says why. */
    public Map<String, String> unusable() {
        return unusable;
    }

    /** One sentence per problem, in configuration order; empty when every role can be served. */
    public List<String> problems() {
        return problems;
    }
}
