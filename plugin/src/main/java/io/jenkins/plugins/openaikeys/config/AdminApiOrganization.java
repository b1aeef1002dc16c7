package io.jenkins.plugins.openaikeys.config;

import hudson.Extension;
import io.jenkins.plugins.openaikeys.core.source.SourceKind;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * An organization whose admin API key lives in a Vault KV v2 secret (fields
 * {@code admin_api_key}, {@code admin_api_key_id}, {@code organization_id}, optional
 * {@code api_endpoint}); the plugin reads it and creates project service accounts itself.
 */
public class AdminApiOrganization extends KvOrganization {

    @DataBoundConstructor
    public AdminApiOrganization(String name, String kvPath) {
        super(name, kvPath);
    }

    @Override
    protected SourceKind kind() {
        return SourceKind.ADMIN_API;
    }

    @Extension
    @Symbol("adminApi")
    public static class DescriptorImpl extends KvOrganizationDescriptor {

        @Override
        public String getDisplayName() {
            return "Admin API key in Vault KV v2, the plugin mints";
        }

        @Override
        protected String secretName() {
            return "the admin configuration";
        }
    }
}
