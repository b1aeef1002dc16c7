package io.jenkins.plugins.openaikeys.config;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.BulkChange;
import hudson.Extension;
import io.jenkins.plugins.casc.BaseConfigurator;
import io.jenkins.plugins.casc.ConfigurationContext;
import io.jenkins.plugins.casc.ConfiguratorException;
import io.jenkins.plugins.casc.model.CNode;
import io.jenkins.plugins.casc.model.Mapping;
import io.jenkins.plugins.openaikeys.runtime.KeyRuntime;
import java.io.IOException;
import java.util.List;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;

/**
 * JCasC for {@code unclassified: openAIKeys:}. Why not JCasC's generic descriptor configurator:
 * that one sets only the keys a file names and keeps every other value, so reloading a file that
 * no longer sets the namespace or the rotation schedule silently kept the old ones. Here a file
 * is the whole configuration, as the form is: reset to defaults, apply, check, save once, or
 * refuse the file naming each bad role or organization and keep what was saved. Export stays
 * JCasC's own (the same attribute names).
 */
@Extension(optional = true)
@Restricted(NoExternalUse.class)
public final class OpenAIKeysConfigurator extends BaseConfigurator<OpenAIKeysConfiguration> {

    @Override
    public Class<OpenAIKeysConfiguration> getTarget() {
        return OpenAIKeysConfiguration.class;
    }

    @Override
    protected OpenAIKeysConfiguration instance(Mapping mapping, ConfigurationContext context) {
        return OpenAIKeysConfiguration.get();
    }

    @NonNull
    @Override
    public OpenAIKeysConfiguration configure(CNode c, ConfigurationContext context) throws ConfiguratorException {
        Mapping mapping = c == null ? Mapping.EMPTY : c.asMapping();
        OpenAIKeysConfiguration config = OpenAIKeysConfiguration.get();
        synchronized (KeyRuntime.get().lock()) {
            try (BulkChange bc = new BulkChange(config)) {
                config.resetToDefaults();
                configure(mapping, config, false, context);
                List<String> problems = config.problems();
                if (!problems.isEmpty()) {
                    config.reloadSaved();
                    throw new ConfiguratorException(this, "openAIKeys was not applied: "
                            + ConfigurationCheck.message(problems));
                }
                bc.commit();
            } catch (RuntimeException e) { // ConfiguratorException included
                config.reloadSaved();
                throw e;
            } catch (IOException e) {
                config.reloadSaved();
                throw new ConfiguratorException(this, "openAIKeys could not be saved", e);
            }
        }
        return config;
    }
}
