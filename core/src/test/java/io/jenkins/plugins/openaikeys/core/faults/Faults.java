package io.jenkins.plugins.openaikeys.core.faults;

import io.jenkins.plugins.openaikeys.core.broker.RevocationHandle;
import io.jenkins.plugins.openaikeys.core.ledger.RevocationLedger;
import io.jenkins.plugins.openaikeys.core.openai.fake.Endpoint;
import io.jenkins.plugins.openaikeys.core.openai.fake.FakeOpenAi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;

/** Small shared tools of the scenarios: broken ledgers, call counting, ledger files. */
final class Faults {

    private Faults() {
    }

    /** Stands for the JVM dying at that point: the broker catches exceptions, not errors. */
    static final class SimulatedCrash extends Error {
        private static final long serialVersionUID = 1L;

        SimulatedCrash(String where) {
            super("simulated controller crash " + where);
        }
    }

    /** A ledger that cannot record (disk full), wrapping the durable one for everything else. */
    static RevocationLedger diskFull(RevocationLedger real) {
        return new RevocationLedger() {
            @Override
            public void record(RevocationHandle h) {
                throw new UncheckedIOException("Cannot write handle " + h.id(),
                        new IOException("No space left on device"));
            }

            @Override
            public void remove(String handleId) {
                real.remove(handleId);
            }

            @Override
            public Collection<RevocationHandle> pending() {
                return real.pending();
            }
        };
    }

    /** A ledger whose first write never happens because the controller dies right there. */
    static RevocationLedger crashOnRecord(RevocationLedger real) {
        return new RevocationLedger() {
            @Override
            public void record(RevocationHandle h) {
                throw new SimulatedCrash("between the create and the ledger write");
            }

            @Override
            public void remove(String handleId) {
                real.remove(handleId);
            }

            @Override
            public Collection<RevocationHandle> pending() {
                return real.pending();
            }
        };
    }

    /** Answers of {@code endpoint} that were 2xx and reached the client. */
    static long succeeded(FakeOpenAi openai, Endpoint endpoint) {
        return openai.callLog().stream()
                .filter(c -> c.endpoint() == endpoint && !c.dropped() && c.status() / 100 == 2).count();
    }

    /** The {@code *.handle} files in the durable ledger directory (their bytes are kept for the audit). */
    static List<Path> handleFiles(FaultWorld w) {
        w.snapshotFiles();
        if (!Files.isDirectory(w.ledgerDir())) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(w.ledgerDir())) {
            return s.filter(p -> p.getFileName().toString().endsWith(".handle")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
