package io.jenkins.plugins.openaikeys.runtime;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.ExtensionList;
import io.jenkins.plugins.openaikeys.core.broker.RevocationHandle;
import io.jenkins.plugins.openaikeys.core.source.SourceKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.kohsuke.accmod.Restricted;
import org.kohsuke.accmod.restrictions.NoExternalUse;

/**
 * The OpenAI projects (organization + project id) in which this controller has minted adminApi keys,
 * so that the orphan sweeper still visits a project after the role that named it was removed or
 * changed: the project's orphans were minted by us, whatever the roles say today.
 *
 * <p>Stored as {@code JENKINS_HOME/openai-ephemeral-keys/minted-projects.txt}, one
 * {@code organization<TAB>projectId} per line: configuration names and public ids only. Written
 * only when a project is new to the list (atomically, through a temporary file); a write that fails
 * is logged and retried at the next mint in that project.
 */
@Extension
public final class MintedProjects {

    private static final Logger LOGGER = Logger.getLogger(MintedProjects.class.getName());

    public static final String FILE = "minted-projects.txt";
    /** Organization names are the configuration's; ids are OpenAI's: neither holds a tab or a newline. */
    private static final Pattern SAFE = Pattern.compile("[^\\t\\r\\n]{1,256}");

    private final Set<Entry> entries = new LinkedHashSet<>();
    private boolean loaded;
    private boolean dirty;

    record Entry(String organization, String projectId) {
    }

    @Restricted(NoExternalUse.class)
    public static @NonNull MintedProjects get() {
        return ExtensionList.lookupSingleton(MintedProjects.class);
    }

    /** Records the project of an adminApi key just minted; vaultEngine keys are Vault's to expire. */
    void remember(@NonNull RevocationHandle handle) {
        if (handle.source() != SourceKind.ADMIN_API) {
            return;
        }
        String organization = handle.organization();
        String projectId = handle.projectId();
        if (organization == null || projectId == null || !SAFE.matcher(organization).matches()
                || !SAFE.matcher(projectId).matches()) {
            return;
        }
        synchronized (this) {
            load();
            if (entries.add(new Entry(organization, projectId)) || dirty) {
                dirty = !write();
            }
        }
    }

    /** The projects of {@code organization} this controller has minted in, in the order first seen. */
    @Restricted(NoExternalUse.class)
    public synchronized @NonNull List<String> projectsOf(@NonNull String organization) {
        load();
        List<String> projects = new ArrayList<>();
        for (Entry e : entries) {
            if (organization.equals(e.organization())) {
                projects.add(e.projectId());
            }
        }
        return projects;
    }

    private Path file() {
        return KeyRuntime.directory().resolve(FILE);
    }

    private void load() {
        if (loaded) {
            return;
        }
        loaded = true;
        Path file = file();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                int tab = line.indexOf('\t');
                if (tab > 0 && tab < line.length() - 1) {
                    entries.add(new Entry(line.substring(0, tab), line.substring(tab + 1).trim()));
                }
            }
        } catch (NoSuchFileException e) {
            // nothing minted yet
        } catch (IOException e) {
            LOGGER.log(Level.WARNING, "OpenAI Ephemeral Keys: cannot read " + file + " (" + e.getMessage()
                    + "); the orphan sweeper visits only the projects the roles name until it can", e);
        }
    }

    private boolean write() {
        Path file = file();
        StringBuilder text = new StringBuilder();
        for (Entry e : entries) {
            text.append(e.organization()).append('\t').append(e.projectId()).append('\n');
        }
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(FILE + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            return true;
        } catch (IOException e) {
            LOGGER.log(Level.WARNING, "OpenAI Ephemeral Keys: cannot write " + file + " (" + e.getMessage()
                    + "); will try again at the next mint", e);
            return false;
        }
    }
}
