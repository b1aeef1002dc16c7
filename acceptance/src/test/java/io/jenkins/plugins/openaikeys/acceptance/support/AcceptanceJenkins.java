package io.jenkins.plugins.openaikeys.acceptance.support;

import io.jenkins.plugins.openaikeys.core.openai.fake.FakeServiceAccount;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One controller and one pair of fakes per test class:
 * <pre>{@code
 * @RegisterExtension
 * static final AcceptanceJenkins j = new AcceptanceJenkins("pipeline");
 * }</pre>
 * Before all: skips the class without the inputs ({@link AcceptanceInputs#HOW_TO_RUN}), starts the
 * fakes and Jenkins with {@link Casc#standard}. Before each: re-applies the class's configuration
 * if a test changed it. After each: the fakes must hold no live service account or lease (waited for,
 * bounded), and no file under JENKINS_HOME (nor the controller's log) may contain a key minted in
 * the test, in any of its Base64 forms either.
 */
public final class AcceptanceJenkins implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    private static boolean toldHowToRun;
    private final String name;
    private Consumer<Casc> customizer = c -> { };
    private final List<String> jvmArgs = new java.util.ArrayList<>();
    public AcceptanceInputs inputs;
    public Backends backends;
    public JenkinsController controller;
    public Casc casc;
    private boolean configChanged;
    private Set<String> keysBefore = Set.of();
    /** What an earlier (failed) test left live: reported there, not again. */
    private Set<String> liveBefore = Set.of();
    private Set<String> leasesBefore = Set.of();
    /** How long after a test the fakes may still hold live keys (revocation is asynchronous). */
    private Duration revokeWait = Duration.ofSeconds(60);

    public AcceptanceJenkins(String name) {
        this.name = name;
    }

    /** Changes the class's standard configuration before the controller first starts. */
    public AcceptanceJenkins configure(Consumer<Casc> c) {
        this.customizer = c;
        return this;
    }

    public AcceptanceJenkins jvmArg(String arg) {
        jvmArgs.add(arg);
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        inputs = AcceptanceInputs.find();
        if (inputs == null) {
            if (!toldHowToRun) {
                toldHowToRun = true;
                System.out.println("[acceptance] skipped: " + AcceptanceInputs.HOW_TO_RUN);
            }
            return; // every test is skipped in beforeEach, with the sentence
        }
        backends = Backends.start();
        try {
            controller = new JenkinsController(inputs, name);
            jvmArgs.forEach(controller::jvmArg);
            casc = Casc.standard(backends);
            customizer.accept(casc);
            controller.writeCasc(casc);
            controller.start();
        } catch (Exception | Error e) {
            afterAll(context);
            throw e;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (controller != null) {
                controller.stop();
                controller.close();
            }
        } finally {
            if (backends != null) {
                backends.close();
            }
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(inputs != null, AcceptanceInputs.HOW_TO_RUN);
        if (configChanged) {
            if (!controller.isRunning()) {
                controller.writeCasc(casc);
                controller.start();
            } else {
                controller.applyCasc(casc);
            }
            configChanged = false;
        }
        if (!controller.isRunning()) {
            controller.start();
        }
        keysBefore = backends.everyKeyValue();
        liveBefore = new java.util.HashSet<>(backends.liveAccounts().stream().map(FakeServiceAccount::id).toList());
        leasesBefore = backends.liveLeases();
    }

    private List<FakeServiceAccount> newLiveAccounts() {
        return backends.liveAccounts().stream().filter(a -> !liveBefore.contains(a.id())).toList();
    }

    private Set<String> newLeases() {
        Set<String> s = new LinkedHashSet<>(backends.liveLeases());
        s.removeAll(leasesBefore);
        return s;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (inputs == null || controller == null) {
            return;
        }
        Instant end = Instant.now().plus(revokeWait);
        List<FakeServiceAccount> live = newLiveAccounts();
        Set<String> leases = newLeases();
        while ((!live.isEmpty() || !leases.isEmpty()) && Instant.now().isBefore(end)) {
            JenkinsClient.sleep(500);
            live = newLiveAccounts();
            leases = newLeases();
        }
        Set<String> minted = new LinkedHashSet<>(backends.everyKeyValue());
        minted.removeAll(keysBefore);
        List<String> leaks = KeyLeaks.scan(minted, List.of(controller.home(), controller.log()));
        StringBuilder problems = new StringBuilder();
        if (!live.isEmpty()) {
            problems.append(live.size()).append(" service account(s) still live at OpenAI ").append(revokeWait)
                    .append(" after the test: ").append(live.stream().map(a -> a.id() + " " + a.name()).toList()).append('\n');
        }
        if (!leases.isEmpty()) {
            problems.append(leases.size()).append(" Vault lease(s) still live: ").append(leases).append('\n');
        }
        if (!leaks.isEmpty()) {
            problems.append("a key minted in this test is on disk:\n  ").append(String.join("\n  ", leaks)).append('\n');
        }
        if (problems.length() > 0) {
            throw new AssertionError("after " + context.getDisplayName() + ": " + problems);
        }
    }

    // ------------------------------------------------------------------ for tests

    public JenkinsClient admin() {
        return controller.admin();
    }

    public JenkinsClient reader() {
        return controller.reader();
    }

    /** Applies a changed configuration now; the class's configuration comes back before the next test. */
    public void apply(Casc changed) throws IOException {
        configChanged = true;
        controller.applyCasc(changed);
    }

    /** Marks the configuration as changed by other means (the System page), to be reset before the next test. */
    public void configurationChanged() {
        configChanged = true;
    }

    public AcceptanceJenkins revokeWait(Duration d) {
        this.revokeWait = d;
        return this;
    }

    /** Keys minted since the current test started. */
    public List<String> keysMintedInThisTest() {
        Set<String> minted = new LinkedHashSet<>(backends.everyKeyValue());
        minted.removeAll(keysBefore);
        return List.copyOf(minted);
    }

    public Path home() {
        return controller.home();
    }
}
