package io.jenkins.plugins.openaikeys.core.ledger;

import io.jenkins.plugins.openaikeys.core.broker.BrokerException;
import io.jenkins.plugins.openaikeys.core.broker.RevocationHandle;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * A {@link RevocationLedger} that survives a controller restart: one small file per
 * outstanding key, named by handle id, holding {@link RevocationHandle#toLine()} — ids,
 * source and expiry, never a key value.
 *
 * <p>Why one file per handle: recording and removing are then single atomic file-system
 * operations (write to a temporary file, fsync, rename; delete), so concurrent builds never
 * contend on one file and a crash mid-write leaves either the old state or the new one,
 * never a torn ledger. A file that cannot be read back is renamed to {@code *.damaged} and
 * reported once, so it neither blocks the others nor disappears silently.
 */
public final class FileRevocationLedger implements RevocationLedger {

    private static final Logger LOGGER = Logger.getLogger(FileRevocationLedger.class.getName());
    private static final String SUFFIX = ".handle";
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    private final Path directory;

    /** @param directory where the handles live; created when missing */
    public FileRevocationLedger(Path directory) {
        this.directory = directory;
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new BrokerException("Cannot create the revocation ledger directory " + directory + ": "
                    + e.getMessage() + " — check that the Jenkins home is writable", e);
        }
    }

    public Path directory() {
        return directory;
    }

    @Override
    public void record(RevocationHandle h) {
        Path target = fileFor(h.id());
        // A name of its own per write, so two writers of one id never share a temporary file.
        Path temp = directory.resolve(h.id() + "." + UUID.randomUUID() + ".tmp");
        byte[] bytes = (h.toLine() + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(ByteBuffer.wrap(bytes));
                ch.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            deleteQuietly(temp);
            throw new BrokerException("Cannot record revocation handle " + h.id() + " (key " + h.keyId()
                    + ") in " + directory + ": " + e.getMessage() + " — check free disk space and permissions", e);
        }
    }

    @Override
    public void remove(String handleId) {
        try {
            Files.deleteIfExists(fileFor(handleId));
        } catch (IOException e) {
            throw new BrokerException("Cannot remove revocation handle " + handleId + " from " + directory + ": "
                    + e.getMessage() + " — check the permissions of the Jenkins home", e);
        }
    }

    @Override
    public Collection<RevocationHandle> pending() {
        List<RevocationHandle> handles = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
            for (Path file : files) {
                read(file, handles);
            }
        } catch (IOException e) {
            throw new BrokerException("Cannot list the revocation ledger " + directory + ": " + e.getMessage()
                    + " — check the permissions of the Jenkins home", e);
        }
        return handles;
    }

    private void read(Path file, List<RevocationHandle> into) {
        String line;
        try {
            line = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException removedMeanwhile) {
            return;
        } catch (IOException e) {
            LOGGER.log(Level.WARNING, "Cannot read revocation handle file " + file, e);
            return;
        }
        try {
            into.add(RevocationHandle.fromLine(line));
        } catch (BrokerException damaged) {
            Path aside = file.resolveSibling(file.getFileName() + ".damaged");
            LOGGER.log(Level.SEVERE, "Revocation handle file {0} is damaged ({1}); moved it to {2} — "
                    + "check the ids in it by hand and revoke that key in OpenAI or Vault",
                    new Object[] {file, damaged.getMessage(), aside});
            try {
                Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                LOGGER.log(Level.WARNING, "Cannot move damaged handle file " + file + " aside", e);
            }
        }
    }

    private Path fileFor(String handleId) {
        if (handleId == null || !SAFE_ID.matcher(handleId).matches()) {
            throw new IllegalArgumentException("not a revocation handle id: " + handleId);
        }
        return directory.resolve(handleId + SUFFIX);
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort: a stray .tmp file is never read as a handle
        }
    }

    @Override
    public String toString() {
        return "FileRevocationLedger{" + directory + "}";
    }
}
