package io.jenkins.plugins.openaikeys.core.broker;

import io.jenkins.plugins.openaikeys.core.SecretString;
import io.jenkins.plugins.openaikeys.core.policy.Role;
import io.jenkins.plugins.openaikeys.core.source.KeySource;
import io.jenkins.plugins.openaikeys.core.source.SourceKind;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link KeySource} whose behaviour a test scripts: queue failures for the next mints or
 * revokes, hold revokes at a gate, and read back every call and the set of keys still
 * alive. Also usable by the plugin's tests through the core test-jar.
 */
public final class ScriptedKeySource implements KeySource {

    private final SourceKind kind;
    private final Clock clock;
    private final AtomicInteger counter = new AtomicInteger();
    private final AtomicInteger mintCalls = new AtomicInteger();
    private final AtomicInteger revokeCalls = new AtomicInteger();
    private final Deque<RuntimeException> mintFailures = new ArrayDeque<>();
    private final Deque<RuntimeException> revokeFailures = new ArrayDeque<>();
    private final List<String> names = new CopyOnWriteArrayList<>();
    private final List<Duration> ttls = new CopyOnWriteArrayList<>();
    private final List<String> values = new CopyOnWriteArrayList<>();
    private final Set<String> live = ConcurrentHashMap.newKeySet();
    private volatile CountDownLatch revokeGate;
    private final CountDownLatch revokeEntered = new CountDownLatch(1);

    public ScriptedKeySource(SourceKind kind, Clock clock) {
        this.kind = kind;
        this.clock = clock;
    }

    public ScriptedKeySource(Clock clock) {
        this(SourceKind.ADMIN_API, clock);
    }

    /** The next mint throws {@code e} (queued in order). */
    public synchronized ScriptedKeySource failNextMint(RuntimeException e) {
        mintFailures.add(e);
        return this;
    }

    /** The next revoke throws {@code e} (queued in order). */
    public synchronized ScriptedKeySource failNextRevoke(RuntimeException e) {
        revokeFailures.add(e);
        return this;
    }

    /** Revokes block until {@link #openRevokeGate()}. */
    public ScriptedKeySource closeRevokeGate() {
        revokeGate = new CountDownLatch(1);
        return this;
    }

    public void openRevokeGate() {
        CountDownLatch g = revokeGate;
        if (g != null) {
            g.countDown();
        }
    }

    /** Waits until some revoke has entered this source. */
    public boolean awaitRevokeEntered(long seconds) throws InterruptedException {
        return revokeEntered.await(seconds, TimeUnit.SECONDS);
    }

    @Override
    public MintedKey mint(Role role, MintRequest req, Duration ttl, String serviceAccountName) {
        mintCalls.incrementAndGet();
        names.add(serviceAccountName);
        ttls.add(ttl);
        RuntimeException failure;
        synchronized (this) {
            failure = mintFailures.poll();
        }
        if (failure != null) {
            throw failure;
        }
        int n = counter.incrementAndGet();
        RevocationHandle.Builder b = RevocationHandle.builder(kind, role, req)
                .keyId("key_" + n)
                .expiresAt(clock.instant().plus(ttl));
        if (kind == SourceKind.ADMIN_API) {
            b.serviceAccountId("svc_acct_" + n);
        } else {
            b.leaseId("openai/creds/" + role.engineRole() + "/lease" + n).serviceAccountId("svc_acct_" + n);
        }
        String value = "sk-svcacct-SECRET" + n + "x" + System.nanoTime();
        values.add(value);
        RevocationHandle h = b.build();
        live.add(h.id());
        return new MintedKey(SecretString.of(value), h);
    }

    @Override
    public void revoke(RevocationHandle handle) {
        revokeCalls.incrementAndGet();
        revokeEntered.countDown();
        CountDownLatch g = revokeGate;
        if (g != null) {
            try {
                if (!g.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("revoke gate never opened");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted at the revoke gate");
            }
        }
        RuntimeException failure;
        synchronized (this) {
            failure = revokeFailures.poll();
        }
        if (failure != null) {
            throw failure;
        }
        live.remove(handle.id());
    }

    public int mintCalls() {
        return mintCalls.get();
    }

    public int revokeCalls() {
        return revokeCalls.get();
    }

    /** Service-account names passed to mint, in order. */
    public List<String> names() {
        return List.copyOf(names);
    }

    public List<Duration> ttls() {
        return List.copyOf(ttls);
    }

    /** Every key value handed out, for "never leaked" assertions. */
    public List<String> issuedValues() {
        return List.copyOf(values);
    }

    /** Handle ids minted and not yet revoked. */
    public Set<String> live() {
        return Set.copyOf(live);
    }
}
