package io.jenkins.plugins.openaikeys.core.usage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One small file per usage job ({@code <id>.usage}, the job's {@link UsageJob#toLine() line}),
 * replaced atomically on each change. A damaged file is logged and skipped, never fatal: a lost
 * usage figure is a nuisance, not a risk. Thread-safe per job id (each job is stepped by one
 * thread at a time).
 */
public final class FileUsageStore implements UsageStore {

    private static final Logger LOGGER = Logger.getLogger(FileUsageStore.class.getName());
    private static final String SUFFIX = ".usage";

    private final Path dir;

    public FileUsageStore(Path dir) {
        this.dir = dir;
    }

    @Override
    public void put(UsageJob job) {
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve(job.id() + SUFFIX + ".tmp");
            Files.writeString(tmp, job.toLine() + "\n", StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file(job.id()), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file(job.id()), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write usage job " + job.id() + " under " + dir, e);
        }
    }

    @Override
    public Optional<UsageJob> get(String id) {
        Path f = file(id);
        return Files.isRegularFile(f) ? read(f) : Optional.empty();
    }

    @Override
    public void remove(String id) {
        try {
            Files.deleteIfExists(file(id));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete usage job " + id + " under " + dir, e);
        }
    }

    @Override
    public List<UsageJob> all() {
        List<UsageJob> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path f : files) {
                read(f).ifPresent(out::add);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list usage jobs under " + dir, e);
        }
        return out;
    }

    private Optional<UsageJob> read(Path f) {
        try {
            return Optional.of(UsageJob.fromLine(Files.readString(f, StandardCharsets.UTF_8)));
        } catch (IOException | IllegalArgumentException e) {
            LOGGER.log(Level.WARNING, "OpenAI usage: skipping unreadable file {0} ({1})",
                    new Object[] {f, e.getMessage()});
            return Optional.empty();
        }
    }

    private Path file(String id) {
        if (!id.matches("[A-Za-z0-9_-]{1,128}")) {
            throw new IllegalArgumentException("a usage job id is letters, digits, '_' and '-' only");
        }
        return dir.resolve(id + SUFFIX);
    }
}
