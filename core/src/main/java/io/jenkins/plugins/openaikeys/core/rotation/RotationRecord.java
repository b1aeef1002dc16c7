package io.jenkins.plugins.openaikeys.core.rotation;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Where this controller remembers when it last saw an organization's admin key rotated, and
 * which key id was current then. Why: Vault's OpenAI engine reports {@code last_rotated} only
 * when its own rotation period is set (path_config.go), so without a record of our own every
 * controller restart looked like "never rotated" and rotated again. The plugin keeps it in a
 * file under JENKINS_HOME ({@link FileRotationRecord}). The key id lets another controller's
 * rotation count too: a key id we did not record means someone rotated since.
 *
 * <p>Implementations must be thread-safe and must not hold any key value.
 */
public interface RotationRecord {

    /** What was recorded for one organization. */
    record Entry(Instant lastRotated, String adminKeyId) {
        public Entry {
            Objects.requireNonNull(lastRotated, "lastRotated");
        }
    }

    Optional<Entry> read(String organization);

    void write(String organization, Entry entry);
}
