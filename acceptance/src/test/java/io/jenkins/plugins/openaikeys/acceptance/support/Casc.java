package io.jenkins.plugins.openaikeys.acceptance.support;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JCasC file of a test controller: users {@code admin/admin} (Overall/Administer) and
 * {@code reader/reader} (Overall/Read, Job/Read, Job/Build) through matrix-auth, the Vault token
 * credential, and {@code unclassified: openAIKeys:} pointing at the {@link Backends}. Tests change
 * a copy ({@link #copy()}) and apply it with {@code JenkinsController#applyCasc}.
 */
public final class Casc {

    /** One role; null fields are omitted from the YAML. */
    public static final class Role {
        public final String name;
        public String organization;
        public String projectId;
        public String engineRole;
        public String ttl;
        public String maxTtl;
        public String variable;
        public String allowedJobs;
        /** LiteLLM proxy roles only: models (comma-separated or one per line) and max budget. */
        public String models;
        public String maxBudget;

        public Role(String name, String organization) {
            this.name = name;
            this.organization = organization;
        }

        Role copy() {
            Role r = new Role(name, organization);
            r.projectId = projectId;
            r.engineRole = engineRole;
            r.ttl = ttl;
            r.maxTtl = maxTtl;
            r.variable = variable;
            r.allowedJobs = allowedJobs;
            r.models = models;
            r.maxBudget = maxBudget;
            return r;
        }
    }

    public String vaultAddress;
    public String vaultNamespace;
    public int numExecutors = 20;
    /** {@code adminApi} / {@code vaultEngine} organizations as YAML list items (without the dash). */
    public final List<String> organizations = new ArrayList<>();
    public final List<Role> roles = new ArrayList<>();
    /** Further scalar settings of {@code openAIKeys:} (e.g. revocationRetryInterval), in order. */
    public final Map<String, String> settings = new LinkedHashMap<>();
    /** Further Secret text credentials: id to value. */
    public final Map<String, String> secretTexts = new LinkedHashMap<>();
    private String vaultToken;
    /** Name of a permanent inbound (WebSocket) agent to declare, or null. */
    public String inboundAgent;
    public String inboundAgentRemoteFs;

    private Casc() {
    }

    /** The standard configuration: both organizations and the roles the tests use. */
    public static Casc standard(Backends b) {
        Casc c = new Casc();
        c.vaultAddress = b.vault.address();
        c.vaultToken = b.rootToken();
        c.organizations.add(adminApi(Backends.ADMIN_ORG, Backends.KV_MOUNT, Backends.KV_PATH));
        c.organizations.add(vaultEngine(Backends.ENGINE_ORG, Backends.ENGINE_MOUNT));
        Role evals = new Role("evals", Backends.ADMIN_ORG);
        evals.projectId = b.adminProject.id();
        evals.ttl = "30m";
        evals.maxTtl = "2h";
        evals.allowedJobs = "**"; // a role without allowed jobs allows none
        c.roles.add(evals);
        Role restricted = new Role("restricted", Backends.ADMIN_ORG);
        restricted.projectId = b.adminProject.id();
        restricted.allowedJobs = "allowed/*";
        c.roles.add(restricted);
        Role deploy = new Role("deploy", Backends.ENGINE_ORG);
        deploy.projectId = b.engineProject.id();
        deploy.engineRole = Backends.ENGINE_ROLE;
        deploy.ttl = "30m";
        deploy.maxTtl = "1h";
        deploy.allowedJobs = "**";
        c.roles.add(deploy);
        return c;
    }

    public static String adminApi(String name, String kvMount, String kvPath) {
        return "adminApi:\n    name: " + q(name) + "\n    kvMount: " + q(kvMount) + "\n    kvPath: " + q(kvPath);
    }

    public static String vaultEngine(String name, String mount) {
        return "vaultEngine:\n    name: " + q(name) + "\n    engineMount: " + q(mount);
    }

    /** A LiteLLM proxy organization: base_url and master_key in KV v2. */
    public static String litellmProxy(String name, String kvMount, String kvPath) {
        return "litellmProxy:\n    name: " + q(name) + "\n    kvMount: " + q(kvMount) + "\n    kvPath: " + q(kvPath);
    }

    /** A LiteLLM secrets engine organization and the proxy URL builds reach. */
    public static String litellmEngine(String name, String mount, String proxyUrl) {
        return "litellmEngine:\n    name: " + q(name) + "\n    engineMount: " + q(mount) + "\n    proxyUrl: "
                + q(proxyUrl);
    }

    public Casc copy() {
        Casc c = new Casc();
        c.vaultAddress = vaultAddress;
        c.vaultNamespace = vaultNamespace;
        c.numExecutors = numExecutors;
        c.organizations.addAll(organizations);
        roles.forEach(r -> c.roles.add(r.copy()));
        c.settings.putAll(settings);
        c.secretTexts.putAll(secretTexts);
        c.vaultToken = vaultToken;
        c.inboundAgent = inboundAgent;
        c.inboundAgentRemoteFs = inboundAgentRemoteFs;
        return c;
    }

    public Role role(String name) {
        return roles.stream().filter(r -> r.name.equals(name)).findFirst().orElseThrow();
    }

    public String yaml() {
        StringBuilder y = new StringBuilder();
        y.append("jenkins:\n");
        y.append("  systemMessage: \"OpenAI Ephemeral Keys acceptance test controller\"\n");
        y.append("  numExecutors: ").append(numExecutors).append('\n');
        y.append("  securityRealm:\n    local:\n      allowsSignup: false\n      users:\n");
        y.append("        - id: \"admin\"\n          password: \"admin\"\n");
        y.append("        - id: \"reader\"\n          password: \"reader\"\n");
        y.append("  authorizationStrategy:\n    globalMatrix:\n      entries:\n");
        y.append("        - user:\n            name: \"admin\"\n            permissions:\n");
        y.append("              - \"Overall/Administer\"\n");
        y.append("        - user:\n            name: \"reader\"\n            permissions:\n");
        y.append("              - \"Overall/Read\"\n              - \"Job/Read\"\n              - \"Job/Build\"\n");
        y.append("  crumbIssuer:\n    standard:\n      excludeClientIPFromCrumb: true\n");
        if (inboundAgent != null) {
            y.append("  nodes:\n    - permanent:\n        name: ").append(q(inboundAgent)).append('\n');
            y.append("        remoteFS: ").append(q(inboundAgentRemoteFs)).append('\n');
            y.append("        numExecutors: 2\n        labelString: \"inbound\"\n        mode: EXCLUSIVE\n");
            y.append("        launcher:\n          inbound:\n            webSocket: true\n");
        }
        y.append("credentials:\n  system:\n    domainCredentials:\n      - credentials:\n");
        y.append(secretText(Backends.TOKEN_CREDENTIAL, vaultToken));
        secretTexts.forEach((id, v) -> y.append(secretText(id, v)));
        y.append("unclassified:\n  openAIKeys:\n");
        y.append("    vaultAddress: ").append(q(vaultAddress)).append('\n');
        if (vaultNamespace != null) {
            y.append("    vaultNamespace: ").append(q(vaultNamespace)).append('\n');
        }
        y.append("    vaultAuth:\n      token:\n        credentialsId: ").append(q(Backends.TOKEN_CREDENTIAL)).append('\n');
        if (organizations.isEmpty()) {
            y.append("    organizations: []\n");
        } else {
            y.append("    organizations:\n");
            for (String o : organizations) {
                y.append("      - ").append(o.replace("\n", "\n      ")).append('\n');
            }
        }
        if (roles.isEmpty()) {
            y.append("    roles: []\n");
        } else {
            y.append("    roles:\n");
            for (Role r : roles) {
                y.append("      - name: ").append(q(r.name)).append('\n');
                field(y, "organization", r.organization);
                field(y, "projectId", r.projectId);
                field(y, "engineRole", r.engineRole);
                field(y, "ttl", r.ttl);
                field(y, "maxTtl", r.maxTtl);
                field(y, "variable", r.variable);
                field(y, "allowedJobs", r.allowedJobs);
                field(y, "models", r.models);
                field(y, "maxBudget", r.maxBudget);
            }
        }
        settings.forEach((k, v) -> y.append("    ").append(k).append(": ").append(scalar(v)).append('\n'));
        return y.toString();
    }

    private static String secretText(String id, String value) {
        return "          - string:\n              scope: GLOBAL\n              id: " + q(id) + "\n"
                + "              description: " + q(id) + "\n              secret: " + q(value) + "\n";
    }

    private static void field(StringBuilder y, String key, String value) {
        if (value != null) {
            y.append("        ").append(key).append(": ").append(q(value)).append('\n');
        }
    }

    private static String scalar(String v) {
        return v.equals("true") || v.equals("false") ? v : q(v);
    }

    /** A YAML double-quoted scalar (JSON escaping is valid YAML). */
    public static String q(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
