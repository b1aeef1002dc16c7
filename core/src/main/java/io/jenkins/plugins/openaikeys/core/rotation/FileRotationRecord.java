package io.jenkins.plugins.openaikeys.core.rotation;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Properties;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A {@link RotationRecord} in one properties file ({@code <organization>.lastRotated},
 * {@code <organization>.adminKeyId}; ids and instants only), rewritten whole through a temporary
 * file and an atomic rename so a crash leaves the old record or the new one. An unreadable file
 * or entry reads as "nothing recorded": the schedule then rotates once, which is safe.
 */
public final class FileRotationRecord implements RotationRecord {

    private static final Logger LOG = Logger.getLogger(FileRotationRecord.class.getName());

    private final Path file;

    /** @param file e.g. {@code JENKINS_HOME/openai-ephemeral-keys/rotation.properties}; its directory is created on write */
    public FileRotationRecord(Path file) {
        this.file = file;
    }

    @Override
    public synchronized Optional<Entry> read(String organization) {
        Properties p = load();
        String at = p.getProperty(organization + ".lastRotated");
        if (at == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Entry(Instant.parse(at), p.getProperty(organization + ".adminKeyId")));
        } catch (DateTimeParseException e) {
            LOG.log(Level.WARNING, "Ignoring the unreadable rotation time of organization ''{0}'' in {1}",
                    new Object[] {organization, file});
            return Optional.empty();
        }
    }

    @Override
    public synchronized void write(String organization, Entry entry) {
        Properties p = load();
        p.setProperty(organization + ".lastRotated", entry.lastRotated().toString());
        if (entry.adminKeyId() == null) {
            p.remove(organization + ".adminKeyId");
        } else {
            p.setProperty(organization + ".adminKeyId", entry.adminKeyId());
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), "rotation", ".tmp");
            try (Writer w = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                p.store(w, "OpenAI Ephemeral Keys: last admin-key rotation per organization (ids only)");
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new RotationException("Cannot record the rotation of organization '" + organization + "' in " + file
                    + " (" + e.getClass().getSimpleName() + "): check that the Jenkins home is writable", e);
        }
    }

    private Properties load() {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (NoSuchFileException absent) {
            // nothing recorded yet
        } catch (IOException | IllegalArgumentException e) {
            LOG.log(Level.WARNING, "Cannot read the rotation record {0} ({1}); treating it as empty",
                    new Object[] {file, e.getClass().getSimpleName()});
        }
        return p;
    }

    @Override
    public String toString() {
        return "FileRotationRecord{" + file + "}";
    }
}
