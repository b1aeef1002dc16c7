package io.jenkins.plugins.openaikeys.core.policy;

import io.jenkins.plugins.openaikeys.core.source.SourceKind;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An OpenAI organization as an administrator typed it: its name, how it mints, and where its
 * authority lives in Vault ({@code mount} and {@code path} of the admin configuration for
 * {@link SourceKind#ADMIN_API}, the engine mount for {@link SourceKind#VAULT_ENGINE}).
 * A {@link SourceKind#LITELLM_PROXY} organization keeps its proxy config in KV v2 like an
 * adminApi one; a {@link SourceKind#LITELLM_ENGINE} organization has an engine mount and the
 * proxy's public URL, which the engine's answer does not carry.
 *
 * @param path    the KV v2 path inside {@code mount}; null for an engine organization
 * @param baseUrl the LiteLLM proxy's URL as builds reach it (litellmEngine only); null otherwise
 */
public record OrganizationSpec(String name, SourceKind kind, String mount, String path, String baseUrl) {

    public OrganizationSpec(String name, SourceKind kind, String mount, String path) {
        this(name, kind, mount, path, null);
    }

    /** Same alphabet as role names, so names appear unquoted in ids and log lines. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    /**
     * What is wrong with a list of organizations, one sentence each, naming the organization:
     * bad or duplicate names, a missing KV path or engine mount, a KV path that repeats the
     * {@code data/} segment Vault's KV v2 API adds by itself.
     */
    public static List<String> problems(List<OrganizationSpec> organizations) {
        List<String> problems = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int position = 0;
        for (OrganizationSpec o : organizations) {
            position++;
            String name = o.name() == null ? "" : o.name().trim();
            if (name.isEmpty()) {
                problems.add("Organization number " + position + " has no name: give it one, roles refer to it");
                continue;
            }
            if (!NAME.matcher(name).matches()) {
                problems.add("Organization name '" + name + "' is not valid: use 1 to 64 letters, digits, '_', '.'"
                        + " or '-'");
                continue;
            }
            if (!seen.add(name)) {
                problems.add("Organization " + name + " is defined twice: rename or remove one");
            }
            problems.addAll(locationProblems(name, o));
        }
        return problems;
    }

    /**
     * Why a KV v2 path cannot be right, or null: a path that starts with the {@code data/} or
     * {@code metadata/} segment Vault's KV v2 API adds by itself would be read at
     * {@code secret/data/data/…}.
     *
     * @return the end of a sentence starting with "KV path '…'"
     */
    public static String kvPathProblem(String path) {
        String p = path == null ? "" : path.trim();
        String first = p.split("/", 2)[0];
        if (!first.equals("data") && !first.equals("metadata")) {
            return null;
        }
        return "KV path '" + p + "' starts with '" + first + "/': give the path inside the mount without it (Vault's"
                + " KV v2 API adds it), e.g. " + (p.contains("/") ? p.split("/", 2)[1] : "openai/lab");
    }

    /**
     * Why a LiteLLM proxy URL cannot be bound as {@code OPENAI_BASE_URL}, or null: it must be an
     * absolute http(s) URL without credentials, query or fragment.
     *
     * @return the end of a sentence starting with "proxy URL '…'"
     */
    public static String baseUrlProblem(String url) {
        String u = url == null ? "" : url.trim();
        if (u.isEmpty()) {
            return "proxy URL is empty: set the LiteLLM proxy's URL as builds reach it, e.g. https://litellm.example.com";
        }
        java.net.URI uri;
        try {
            uri = new java.net.URI(u);
        } catch (java.net.URISyntaxException e) {
            uri = null;
        }
        if (uri == null || uri.getHost() == null || uri.getScheme() == null
                || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
            return "proxy URL '" + u + "' is not an http or https URL: use e.g. https://litellm.example.com";
        }
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            return "proxy URL '" + uri.getScheme() + "://" + uri.getHost() + "…' carries credentials, a query or a"
                    + " fragment: give only scheme, host, port and path";
        }
        return null;
    }

    private static List<String> locationProblems(String name, OrganizationSpec o) {
        List<String> problems = new ArrayList<>();
        if (o.kind() == SourceKind.ADMIN_API || o.kind() == SourceKind.LITELLM_PROXY) {
            String path = o.path() == null ? "" : o.path().trim();
            if (path.isEmpty()) {
                problems.add(o.kind() == SourceKind.LITELLM_PROXY
                        ? "Organization " + name + " has no KV path: set the path of its LiteLLM proxy configuration"
                        + " (base_url and master_key) inside the KV v2 mount, e.g. litellm/" + name
                        : "Organization " + name + " has no KV path: set the path of its admin configuration"
                        + " inside the KV v2 mount, e.g. openai/" + name);
            } else if (kvPathProblem(path) != null) {
                problems.add("Organization " + name + "'s " + kvPathProblem(path));
            }
        } else if (o.mount() == null || o.mount().isBlank()) {
            problems.add(o.kind() == SourceKind.LITELLM_ENGINE
                    ? "Organization " + name + " has no secrets engine mount: set the path where the LiteLLM secrets"
                    + " engine is mounted, e.g. litellm"
                    : "Organization " + name + " has no secrets engine mount: set the path where Vault's OpenAI"
                    + " secrets engine is mounted, e.g. openai");
        }
        if (o.kind() == SourceKind.LITELLM_ENGINE) {
            String problem = baseUrlProblem(o.baseUrl());
            if (problem != null) {
                problems.add("Organization " + name + "'s " + problem);
            }
        }
        return problems;
    }
}
