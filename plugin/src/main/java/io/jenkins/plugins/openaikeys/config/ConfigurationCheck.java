package io.jenkins.plugins.openaikeys.config;

import io.jenkins.plugins.openaikeys.core.policy.OrganizationSpec;
import io.jenkins.plugins.openaikeys.core.policy.RoleCatalog;
import io.jenkins.plugins.openaikeys.core.source.SourceKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;

/**
 * The organizations and roles of a configuration, checked by core: the same sentences for the
 * Save button, a JCasC apply, the administrative monitor and the broker. Jenkins-free apart from
 * reading the describables; the rules themselves are in {@link OrganizationSpec} and {@link RoleCatalog}.
 */
@Restricted(NoExternalUse.class)
public final class ConfigurationCheck {

    private ConfigurationCheck() {
    }

    /** The roles that can be served and why the others cannot. */
    public static RoleCatalog roles(List<OrganizationConfig> organizations, List<RoleConfig> roles) {
        Map<String, SourceKind> kinds = new LinkedHashMap<>();
        for (OrganizationConfig o : organizations) {
            OrganizationSpec spec = o.toSpec();
            if (spec.name() != null) {
                kinds.putIfAbsent(spec.name(), spec.kind());
            }
        }
        return RoleCatalog.of(roles.stream().map(RoleConfig::toSpec).toList(), kinds);
    }

    /** Every problem, organizations first, one sentence each naming what it is about. */
    static List<String> problems(List<OrganizationConfig> organizations, List<RoleConfig> roles) {
        List<String> problems = new ArrayList<>(
                OrganizationSpec.problems(organizations.stream().map(OrganizationConfig::toSpec).toList()));
        for (OrganizationConfig o : organizations) {
            OrganizationSpec spec = o.toSpec();
            if (o.getUsage() != null && spec.kind() != null && spec.kind().isLiteLlm()) {
                problems.add("Organization " + spec.name() + " mints LiteLLM virtual keys, which OpenAI's usage API"
                        + " does not report: remove its usage setting");
            }
        }
        problems.addAll(roles(organizations, roles).problems());
        return problems;
    }

    /** The problems as one message: each sentence ended with a full stop. */
    static String message(List<String> problems) {
        return String.join(" ", problems.stream().map(p -> p.endsWith(".") ? p : p + ".").toList());
    }
}
