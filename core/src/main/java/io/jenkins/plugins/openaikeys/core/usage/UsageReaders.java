package io.jenkins.plugins.openaikeys.core.usage;

/**
 * The usage client of an organization, built from its admin config as Vault holds it now
 * (so a rotated admin key is picked up). Supplied by whoever knows the configuration.
 */
@FunctionalInterface
public interface UsageReaders {

    /**
     * @throws UsageNotAvailableException when usage is off or not configured for the organization
     * @throws io.jenkins.plugins.openaikeys.core.EphemeralKeyException when its admin config cannot be read now
     */
    UsageClient forOrganization(String organization);
}
