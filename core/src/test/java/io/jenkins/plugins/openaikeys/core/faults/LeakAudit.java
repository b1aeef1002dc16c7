package io.jenkins.plugins.openaikeys.core.faults;

import io.jenkins.plugins.openaikeys.core.openai.fake.FakeServiceAccount;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What a scenario left behind once it recovered, in the two numbers the suite reports:
 * leaked keys (live managed service accounts + live Vault leases) and leaked secret bytes
 * (every occurrence of every secret value, times its length, in the captured logs, in the
 * messages callers got, and byte-wise in every file the world wrote, including the
 * snapshots taken while handles were still on disk).
 */
final class LeakAudit {

    /** Shorter values could match by accident; every real secret here is far longer. */
    static final int MIN_SECRET_LENGTH = 8;

    private LeakAudit() {
    }

    /** One scenario's outcome; {@code findings} says where each leak is, by id (never by value). */
    record Result(int liveAccounts, int liveLeases, long leakedSecretBytes, List<String> findings) {

        int leakedKeys() {
            return liveAccounts + liveLeases;
        }

        boolean clean() {
            return leakedKeys() == 0 && leakedSecretBytes == 0;
        }
    }

    static Result audit(FaultWorld world) {
        List<String> findings = new ArrayList<>();
        List<FakeServiceAccount> accounts = world.liveManagedAccounts();
        for (FakeServiceAccount a : accounts) {
            findings.add("live service account " + a.id() + " (" + a.name() + ")");
        }
        Collection<String> leases = world.liveLeases();
        for (String lease : leases) {
            findings.add("live Vault lease " + lease);
        }
        Map<String, byte[]> places = new LinkedHashMap<>();
        places.put("captured log", world.logs.allText().getBytes(StandardCharsets.UTF_8));
        places.put("messages callers got", String.join("\n", world.surfacedMessages())
                .getBytes(StandardCharsets.UTF_8));
        places.putAll(files(world.root()));
        places.putAll(world.fileSnapshots());
        long bytes = leakedBytes(world.secrets(), places, findings);
        return new Result(accounts.size(), leases.size(), bytes, List.copyOf(findings));
    }

    /** Sum over secrets and places of occurrences × length; adds one finding per hit. */
    static long leakedBytes(Collection<String> secrets, Map<String, byte[]> places, List<String> findings) {
        long total = 0;
        int n = 0;
        for (String secret : secrets) {
            n++;
            if (secret.length() < MIN_SECRET_LENGTH) {
                throw new IllegalArgumentException("secret #" + n + " is too short to search for reliably");
            }
            byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
            for (Map.Entry<String, byte[]> place : places.entrySet()) {
                long hits = occurrences(place.getValue(), needle);
                if (hits > 0) {
                    total += hits * needle.length;
                    findings.add("secret #" + n + " (" + needle.length + " bytes) " + hits + "x in " + place.getKey());
                }
            }
        }
        return total;
    }

    /** Non-overlapping occurrences of {@code needle} in {@code haystack}. */
    static long occurrences(byte[] haystack, byte[] needle) {
        if (needle.length == 0) {
            throw new IllegalArgumentException("empty needle");
        }
        long count = 0;
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            count++;
            i += needle.length - 1;
        }
        return count;
    }

    /** Every regular file below {@code dir}, by path, as bytes. */
    static Map<String, byte[]> files(Path dir) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.filter(Files::isRegularFile)::iterator) {
                out.put("file " + dir.relativize(p), Files.readAllBytes(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
