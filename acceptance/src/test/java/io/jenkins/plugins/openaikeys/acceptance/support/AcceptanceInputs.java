package io.jenkins.plugins.openaikeys.acceptance.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The suite's three inputs, read from system properties. Without them every test is skipped with
 * {@link #HOW_TO_RUN}: the one place that says what to pass.
 */
public final class AcceptanceInputs {

    /** The one sentence a skipped test shows. */
    public static final String HOW_TO_RUN = "Acceptance tests need a real Jenkins: pass "
            + "-Djenkins.war=/path/to/jenkins.war -Djenkins.plugins=/folder/of/dependency/plugins "
            + "-Dplugin.hpi=/path/to/openai-ephemeral-keys.hpi (see docs/acceptance.md).";

    public final Path war;
    public final Path pluginsDir;
    public final Path pluginHpi;
    public final Path workDir;

    private AcceptanceInputs(Path war, Path pluginsDir, Path pluginHpi, Path workDir) {
        this.war = war;
        this.pluginsDir = pluginsDir;
        this.pluginHpi = pluginHpi;
        this.workDir = workDir;
    }

    /** The inputs, or a JUnit assumption failure (the test is skipped) with {@link #HOW_TO_RUN}. */
    public static AcceptanceInputs require() {
        AcceptanceInputs in = find();
        assumeTrue(in != null, HOW_TO_RUN);
        return in;
    }

    /** The inputs, or null when one is missing. */
    public static AcceptanceInputs find() {
        Path war = path("jenkins.war");
        Path plugins = path("jenkins.plugins");
        Path hpi = path("plugin.hpi");
        if (!(war != null && Files.isRegularFile(war)
                && plugins != null && Files.isDirectory(plugins)
                && hpi != null && Files.isRegularFile(hpi))) {
            return null;
        }
        String wd = System.getProperty("acceptance.workdir");
        Path work = wd == null || wd.isBlank() ? Path.of("target", "acceptance") : Path.of(wd);
        return new AcceptanceInputs(war, plugins, hpi, work.toAbsolutePath());
    }

    private static Path path(String property) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank() || v.startsWith("${")) {
            return null;
        }
        return Path.of(v.replaceFirst("^~(?=/)", System.getProperty("user.home"))).toAbsolutePath();
    }

    /** The dependency plugins: every .jpi/.hpi in the folder (ours excluded, should it be there). */
    public List<Path> dependencyPlugins() throws IOException {
        try (Stream<Path> s = Files.list(pluginsDir)) {
            return s.filter(p -> p.toString().endsWith(".jpi") || p.toString().endsWith(".hpi"))
                    .filter(p -> !p.getFileName().toString().startsWith("openai-ephemeral-keys."))
                    .sorted().toList();
        }
    }

    /** Whether a plugin of this short name is among the dependency plugins. */
    public boolean hasPlugin(String shortName) throws IOException {
        return dependencyPlugins().stream().anyMatch(p -> {
            String f = p.getFileName().toString();
            return f.equals(shortName + ".jpi") || f.equals(shortName + ".hpi");
        });
    }
}
