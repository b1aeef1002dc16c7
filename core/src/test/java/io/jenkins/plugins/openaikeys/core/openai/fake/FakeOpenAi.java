package io.jenkins.plugins.openaikeys.core.openai.fake;

import io.jenkins.plugins.openaikeys.core.SecretString;
import io.jenkins.plugins.openaikeys.core.testing.NoDelayServerSocketFactory;
import okhttp3.mockwebserver.MockWebServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A stateful, loopback-only stand-in for the OpenAI Admin API, for tests and benchmarks.
 *
 * <pre>{@code
 * try (FakeOpenAi openai = FakeOpenAi.start()) {
 *     FakeOrganization org = openai.createOrganization();
 *     FakeProject project = org.createProject("evals");
 *     // client: baseUrl(openai.baseUrl()), adminKey(org.adminKey())
 *     openai.inject(Endpoint.CREATE_SERVICE_ACCOUNT, Fault.disconnectAfterProcessing());
 *     ...
 *     assertThat(openai.liveServiceAccounts(project.id())).hasSize(1);
 * }
 * }</pre>
 *
 * <p>Why a fake and not canned responses: the interesting failures (an ambiguous create,
 * a deleted admin key, pagination while accounts come and go, a rate limit under 200
 * concurrent builds) are about state. Behaviour follows
 * {@code /work/shared/reference/openai-admin-api.md}. Time (admin-key expiry, the token
 * bucket, {@code created_at}) comes from the given {@link Clock}; pass the same
 * {@code FakeTime} as the client's sleeper so a {@code Retry-After} wait refills the bucket.
 */
public final class FakeOpenAi implements AutoCloseable {

    /** Held so our level setting is not garbage-collected away: MockWebServer logs every request at INFO. */
    private final Logger mockWebServerLogger = Logger.getLogger(MockWebServer.class.getName());

    private final MockWebServer server;
    private final FakeState state;
    private final FakeDispatcher dispatcher;
    private final Clock clock;

    private FakeOpenAi(Clock clock) {
        this.clock = clock;
        this.state = new FakeState(clock);
        this.dispatcher = new FakeDispatcher(state);
        this.server = new MockWebServer();
        server.setServerSocketFactory(new NoDelayServerSocketFactory());
        server.setDispatcher(dispatcher);
        mockWebServerLogger.setLevel(Level.WARNING);
    }

    /** Starts on a free loopback port with the real clock (benchmarks). */
    public static FakeOpenAi start() {
        return start(Clock.systemUTC());
    }

    /** Starts on a free loopback port with the given clock (tests pass a {@code FakeTime}). */
    public static FakeOpenAi start(Clock clock) {
        FakeOpenAi fake = new FakeOpenAi(clock);
        try {
            fake.server.start(InetAddress.getByName("127.0.0.1"), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the fake OpenAI on loopback", e);
        }
        return fake;
    }

    /** {@code http://127.0.0.1:<port>/v1}: what the client's {@code baseUrl} should be. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getPort() + "/v1";
    }

    public FakeOrganization createOrganization() {
        return createOrganization("Jenkins test organization");
    }

    public FakeOrganization createOrganization(String name) {
        String id = state.createOrganization(name);
        return new FakeOrganization(state, id, state.createAdminKey(id, "bootstrap admin key", null));
    }

    // ---- fault injection -------------------------------------------------------------

    /** The next {@code fault.times} calls to {@code endpoint} misbehave as described. */
    public FakeOpenAi inject(Endpoint endpoint, Fault fault) {
        return inject(endpoint.method(), endpoint.template(), fault);
    }

    /**
     * The next calls matching {@code method} and {@code pathPattern} (below {@code /v1};
     * {@code *} or {@code {name}} match one segment) misbehave as described.
     */
    public FakeOpenAi inject(String method, String pathPattern, Fault fault) {
        dispatcher.inject(method, pathPattern, fault);
        return this;
    }

    public FakeOpenAi clearFaults() {
        dispatcher.clearFaults();
        return this;
    }

    /** Real-time delay before every answer (benchmarks, timeouts). */
    public FakeOpenAi latency(Duration perRequest) {
        dispatcher.latency(perRequest);
        return this;
    }

    public FakeOpenAi latency(Endpoint endpoint, Duration perRequest) {
        dispatcher.latency(endpoint, perRequest);
        return this;
    }

    /**
     * A token bucket over all authenticated calls, on the fake's clock: beyond it, 429 with
     * {@code retry-after} / {@code retry-after-ms} saying when the next token comes.
     */
    public FakeOpenAi rateLimit(double requestsPerSecond, int burst) {
        dispatcher.rateLimit(new TokenBucket(requestsPerSecond, burst, clock));
        return this;
    }

    public FakeOpenAi noRateLimit() {
        dispatcher.rateLimit(null);
        return this;
    }

    // ---- usage ------------------------------------------------------------------------

    /** The usage and costs reports show a model call only this long after it was served (fake clock). */
    public FakeOpenAi usageLag(Duration lag) {
        state.usageLag(lag);
        return this;
    }

    /** Whether the organization's admin keys are refused the usage and costs reports (403). */
    public FakeOpenAi denyUsage(FakeOrganization org, boolean denied) {
        state.denyUsage(org.id(), denied);
        return this;
    }

    /** Prices for the costs report (US dollars per million tokens); models without one cost 0. */
    public FakeOpenAi price(String model, double inputPerMillion, double outputPerMillion) {
        dispatcher.price(model, inputPerMillion, outputPerMillion);
        return this;
    }

    /** Every model call served, visible in the usage report or not yet. */
    public List<FakeUsageEvent> usageEvents() {
        return state.allUsage();
    }

    // ---- inspection -------------------------------------------------------------------

    public List<FakeServiceAccount> liveServiceAccounts(String projectId) {
        return state.liveServiceAccounts(projectId);
    }

    public List<FakeServiceAccount> allLiveServiceAccounts() {
        return state.allLiveServiceAccounts();
    }

    /** Every service account ever created, deleted ones included: e.g. to check no key value leaked. */
    public List<FakeServiceAccount> everyServiceAccount() {
        return state.everyServiceAccount();
    }

    public List<FakeAdminKey> liveAdminKeys(String organizationId) {
        return state.liveAdminKeys(organizationId);
    }

    /** Whether this value is the key of a live service account in an active project: "a working key". */
    public boolean isLiveKey(SecretString value) {
        return value != null && isLiveKey(value.reveal());
    }

    public boolean isLiveKey(String value) {
        return state.accountByKeyValue(value).isPresent();
    }

    /** The live service account that owns this key value. */
    public Optional<FakeServiceAccount> serviceAccountOfKey(SecretString value) {
        return state.accountByKeyValue(value.reveal());
    }

    /** Every request served since start or the last {@link #resetCallLog()}, in order. */
    public List<Call> callLog() {
        return dispatcher.calls();
    }

    public int calls(Endpoint endpoint) {
        return (int) callLog().stream().filter(c -> c.endpoint() == endpoint).count();
    }

    /**
     * Calls to an endpoint named like {@code "POST /organization/projects/{p}/service_accounts"}
     * (placeholder names do not matter).
     */
    public int calls(String endpointKey) {
        String wanted = PathPattern.normalize(endpointKey.trim());
        return (int) callLog().stream()
                .filter(c -> c.endpoint() != null && PathPattern.normalize(c.endpoint().key()).equals(wanted))
                .count();
    }

    /** Call counts keyed by {@link Endpoint#key()}, for assertions and benchmark reports. */
    public Map<String, Integer> callCounts() {
        Map<String, Integer> counts = new TreeMap<>();
        for (Call c : callLog()) {
            counts.merge(c.endpoint() == null ? c.method() + " " + c.path() : c.endpoint().key(), 1, Integer::sum);
        }
        return counts;
    }

    public FakeOpenAi resetCallLog() {
        dispatcher.resetCallLog();
        return this;
    }

    @Override
    public void close() {
        try {
            server.shutdown();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
