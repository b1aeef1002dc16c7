package io.jenkins.plugins.openaikeys.acceptance.support;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One real Jenkins controller: {@code java -jar jenkins.war} on a free loopback port with a fresh
 * JENKINS_HOME holding the dependency plugins and the plugin under test, configured by a JCasC file
 * ({@code CASC_JENKINS_CONFIG}). Started from an empty working directory with an empty
 * {@code --commonLibFolder}: winstone puts {@code ./lib/*.jar} on the parent class path, which breaks
 * Jelly pages. Its output goes to {@code jenkins.log} beside the home. {@link #stop()} shuts it down
 * cleanly (SIGTERM, then SIGKILL after a grace period); {@link #restart()} starts it again on the
 * same home and port; {@link #close()} makes sure that it and every process its builds left are gone.
 */
public final class JenkinsController implements AutoCloseable {

    private final AcceptanceInputs inputs;
    private final Path dir;
    private final Path home;
    private final Path cwd;
    private final Path cascFile;
    private final Path log;
    private final int port;
    private final List<String> extraJvmArgs = new ArrayList<>();
    private Process process;
    private int starts;
    private long logOffsetAtStart;

    public JenkinsController(AcceptanceInputs inputs, String name) throws IOException {
        this.inputs = inputs;
        Files.createDirectories(inputs.workDir);
        this.dir = Files.createTempDirectory(inputs.workDir, name + "-");
        this.home = dir.resolve("home");
        this.cwd = dir.resolve("cwd");
        this.cascFile = dir.resolve("casc.yaml");
        this.log = dir.resolve("jenkins.log");
        Files.createDirectories(home.resolve("plugins"));
        Files.createDirectories(cwd);
        Files.createDirectories(dir.resolve("no-common-lib"));
        this.port = freePort();
        for (Path p : inputs.dependencyPlugins()) {
            String f = p.getFileName().toString();
            String shortName = f.substring(0, f.lastIndexOf('.'));
            Files.copy(p, home.resolve("plugins").resolve(shortName + ".jpi"), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.copy(inputs.pluginHpi, home.resolve("plugins").resolve("openai-ephemeral-keys.jpi"),
                StandardCopyOption.REPLACE_EXISTING);
    }

    public JenkinsController jvmArg(String arg) {
        extraJvmArgs.add(arg);
        return this;
    }

    public Path home() {
        return home;
    }

    public Path log() {
        return log;
    }

    public Path dir() {
        return dir;
    }

    public int port() {
        return port;
    }

    public String url() {
        return "http://127.0.0.1:" + port + "/";
    }

    public JenkinsClient admin() {
        return new JenkinsClient(url(), "admin", "admin");
    }

    public JenkinsClient reader() {
        return new JenkinsClient(url(), "reader", "reader");
    }

    public JenkinsClient anonymous() {
        return new JenkinsClient(url(), null, null);
    }

    public void writeCasc(Casc casc) throws IOException {
        Files.writeString(cascFile, casc.yaml(), StandardCharsets.UTF_8);
    }

    /** Writes the JCasC file and has the running controller reload it (Manage Jenkins → Configuration as Code → Reload). */
    public void applyCasc(Casc casc) throws IOException {
        writeCasc(casc);
        JenkinsClient.Response r = admin().post("manage/configuration-as-code/reload");
        // JCasC answers a refused file with its "Error loading configuration" page, status 200
        if (r.status() >= 400 || r.body().contains("Error loading configuration")) {
            throw new IllegalStateException("JCasC reload refused: HTTP " + r.status() + "\n"
                    + JenkinsClient.text(r.body()));
        }
    }

    /** Starts Jenkins and waits (bounded) until it serves pages, the admin can log in and our plugin is active. */
    public void start() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("already running");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx1g");
        cmd.add("-Djava.awt.headless=true");
        cmd.add("-Djenkins.install.runSetupWizard=false");
        cmd.add("-Dhudson.model.UpdateCenter.never=true");
        cmd.add("-Dhudson.model.DownloadService.never=true");
        cmd.add("-Dhudson.model.UsageStatistics.disabled=true");
        cmd.add("-Djenkins.model.Jenkins.slaveAgentPort=-1");
        cmd.add("-Djenkins.model.Jenkins.slaveAgentPortEnforce=true");
        cmd.addAll(extraJvmArgs);
        cmd.add("-jar");
        cmd.add(inputs.war.toString());
        cmd.add("--httpPort=" + port);
        cmd.add("--httpListenAddress=127.0.0.1");
        cmd.add("--commonLibFolder=" + dir.resolve("no-common-lib"));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("JENKINS_HOME", home.toString());
        pb.environment().put("CASC_JENKINS_CONFIG", cascFile.toString());
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        Files.writeString(log, "\n===== start " + (++starts) + " at " + Instant.now() + " =====\n",
                StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        logOffsetAtStart = Files.size(log);
        process = pb.start();
        awaitReady(Duration.ofMinutes(5));
    }

    private void awaitReady(Duration timeout) {
        Instant t0 = Instant.now();
        Instant end = t0.plus(timeout);
        JenkinsClient admin = admin();
        String last = "";
        while (Instant.now().isBefore(end)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Jenkins exited during start-up (exit " + process.exitValue() + "); log:\n"
                        + tail(80));
            }
            String logText = logSinceStart();
            if (logText.contains("ConfiguratorException") || logText.contains("Jenkins initialization has failed")) {
                throw new IllegalStateException("Jenkins start-up failed (JCasC?); log:\n" + tail(80));
            }
            try {
                JenkinsClient.Response r = admin.get("pluginManager/api/json?depth=1&tree=plugins%5BshortName,active%5D");
                last = "HTTP " + r.status();
                if (r.status() == 200) {
                    JsonNode plugins = admin.json("pluginManager/api/json?depth=1&tree=plugins%5BshortName,active%5D").get("plugins");
                    for (JsonNode p : plugins) {
                        if (p.get("shortName").asText().equals("openai-ephemeral-keys")) {
                            if (!p.get("active").asBoolean()) {
                                throw new IllegalStateException("openai-ephemeral-keys is installed but not active; log:\n" + tail(80));
                            }
                            System.out.printf("[acceptance] Jenkins up at %s in %d s (%s)%n", url(),
                                    Duration.between(t0, Instant.now()).toSeconds(), dir);
                            return;
                        }
                    }
                    throw new IllegalStateException("openai-ephemeral-keys is not loaded; log:\n" + tail(80));
                }
            } catch (UncheckedIOException e) {
                last = e.getMessage();
            }
            JenkinsClient.sleep(1000);
        }
        throw new IllegalStateException("Jenkins not ready after " + timeout + " (" + last + "); log:\n" + tail(80));
    }

    /** Clean shutdown: SIGTERM (Jenkins saves its state, Pipelines pause), SIGKILL after 90 s. */
    public void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        process = null;
    }

    /** A crash: SIGKILL, no shutdown hook. */
    public void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    public void restart() throws IOException {
        stop();
        start();
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    private String logSinceStart() {
        try {
            byte[] all = Files.readAllBytes(log);
            int from = (int) Math.min(all.length, logOffsetAtStart);
            return new String(all, from, all.length - from, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** The last lines of the controller's log. */
    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        try {
            kill();
        } finally {
            killLeftovers();
        }
    }

    /**
     * Processes that builds of this controller started and that outlived it (durable tasks detach
     * from the controller): exactly those whose environment names this JENKINS_HOME, by pid.
     */
    private void killLeftovers() {
        String marker = "JENKINS_HOME=" + home;
        long self = ProcessHandle.current().pid();
        ProcessHandle.allProcesses().forEach(ph -> {
            if (ph.pid() == self) {
                return;
            }
            Optional<String> env = environ(ph.pid());
            if (env.isPresent() && env.get().contains("\0" + marker + "\0")) {
                ph.destroyForcibly();
            }
        });
    }

    private static Optional<String> environ(long pid) {
        try {
            byte[] b = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
            return Optional.of("\0" + new String(b, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            int p = s.getLocalPort();
            return p == 18080 ? freePort() : p; // 18080 is the lab's
        }
    }
}
