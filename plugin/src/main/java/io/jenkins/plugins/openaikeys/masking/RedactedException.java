package io.jenkins.plugins.openaikeys.masking;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;

/**
 * Stands in for an exception whose message contained an OpenAI key, so that the build result,
 * the console and the flow graph on disk get the failure without the key.
 *
 * <p>Why not rethrow the original: its message is a private field that cannot be rewritten, and
 * the exception is printed at the end of the build and serialized into the build directory,
 * outside the block whose console filter would have masked it.
 */
public final class RedactedException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String originalType;

    public RedactedException(@NonNull String originalType, @CheckForNull String maskedMessage) {
        super(maskedMessage == null ? originalType : originalType + ": " + maskedMessage);
        this.originalType = originalType;
    }

    /** The class name of the exception this one replaces. */
    public @NonNull String getOriginalType() {
        return originalType;
    }

    @Override
    public String toString() {
        return getMessage(); // already "<original type>: <masked message>"
    }
}
