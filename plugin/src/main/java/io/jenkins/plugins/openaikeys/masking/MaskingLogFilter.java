package io.jenkins.plugins.openaikeys.masking;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.console.ConsoleLogFilter;
import hudson.model.Run;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.charset.Charset;
import org.jenkinsci.plugins.credentialsbinding.masking.SecretPatterns;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;

/**
 * Replaces every form of the minted key in the console with {@code ****}.
 *
 * <p>Serializable because Pipeline keeps it in program.dat and ships it to agents (remote log
 * streaming); it carries the pattern only inside a {@link SecretMask} (an encrypted {@code Secret}).
 * It ignores the {@code build} argument, which is null on agents.
 */
@Restricted(NoExternalUse.class)
public final class MaskingLogFilter extends ConsoleLogFilter implements Serializable {

    private static final long serialVersionUID = 1L;

    private final SecretMask mask;
    private final String charsetName;

    public MaskingLogFilter(@NonNull SecretMask mask, @NonNull Charset charset) {
        this.mask = mask;
        this.charsetName = charset.name();
    }

    @SuppressWarnings("rawtypes")
    @Override
    public OutputStream decorateLogger(Run build, OutputStream logger) {
        return new SecretPatterns.MaskingOutputStream(logger, mask::pattern, charsetName);
    }
}
