package io.jenkins.plugins.openaikeys.core.faults;

import io.jenkins.plugins.openaikeys.core.openai.fake.FakeServiceAccount;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What a scenario left behind once it recovered, in the two numbers the suite reports:
 * leaked keys (live managed service accounts, live LiteLLM virtual keys + live Vault leases) and leaked secret bytes
 * (every occurrence of every secret value, times its length, in the captured logs of the
 * plugin, in System.out and System.err, in every other java.util.logging logger (okhttp,
 * vault-java-driver, ...), in the messages callers got, and byte-wise in every file the world
 * wrote, including the snapshots taken while handles were still on disk).
 *
 * <p>A secret is looked for as itself and as Base64 (standard and URL alphabets), at each of
 * the three alignments it can have inside a longer encoded text: {@link #forms(String)}.
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
        List<io.jenkins.plugins.openaikeys.core.litellm.fake.FakeLiteLlmProxy.Key> liteLlmKeys = world.liveLiteLlmKeys();
        for (var k : liteLlmKeys) {
            findings.add("live LiteLLM key alias " + k.alias());
        }
                Collection<String> leases = world.liveLeases();
        for (String lease : leases) {
            findings.add("live Vault lease " + lease);
        }
        Map<String, byte[]> places = new LinkedHashMap<>();
        places.put("captured log", world.logs.allText().getBytes(StandardCharsets.UTF_8));
        places.put("System.out", world.output.stdout());
        places.put("System.err", world.output.stderr());
        places.put("every other logger", world.output.logText().getBytes(StandardCharsets.UTF_8));
        places.put("messages callers got", String.join("\n", world.surfacedMessages())
                .getBytes(StandardCharsets.UTF_8));
        places.putAll(files(world.root()));
        places.putAll(world.fileSnapshots());
        long bytes = leakedBytes(world.secrets(), places, findings);
        return new Result(accounts.size() + liteLlmKeys.size(), leases.size(), bytes, List.copyOf(findings));
    }

    /**
     * Sum over secrets, their {@link #forms forms} and places of occurrences × the secret's
     * length in bytes; adds one finding per form and place hit (ids and sizes, never a value).
     * The value itself also counts when cut: a run of at least {@link #MIN_FRAGMENT} of its
     * first or last characters (a message truncated in the middle of a quoted key) counts the
     * bytes of it that are there.
     */
    static long leakedBytes(Collection<String> secrets, Map<String, byte[]> places, List<String> findings) {
        long total = 0;
        int n = 0;
        for (String secret : secrets) {
            n++;
            if (secret.length() < MIN_SECRET_LENGTH) {
                throw new IllegalArgumentException("secret #" + n + " is too short to search for reliably");
            }
            int length = secret.getBytes(StandardCharsets.UTF_8).length;
            for (Map.Entry<String, byte[]> form : forms(secret).entrySet()) {
                for (Map.Entry<String, byte[]> place : places.entrySet()) {
                    if (form.getKey().isEmpty()) {
                        long[] cut = cutOccurrences(place.getValue(), form.getValue());
                        long whole = occurrences(place.getValue(), form.getValue());
                        if (whole > 0) {
                            total += whole * length;
                            findings.add("secret #" + n + " (" + length + " bytes) " + whole + "x in " + place.getKey());
                        }
                        if (cut[0] > 0) {
                            total += cut[1];
                            findings.add("secret #" + n + " (" + length + " bytes) cut short " + cut[0] + "x ("
                                    + cut[1] + " bytes of it) in " + place.getKey());
                        }
                        continue;
                    }
                    long hits = occurrences(place.getValue(), form.getValue());
                    if (hits > 0) {
                        total += hits * length;
                        findings.add("secret #" + n + " (" + length + " bytes" + form.getKey() + ") " + hits
                                + "x in " + place.getKey());
                    }
                }
            }
        }
        return total;
    }

    /** A run of this many of a secret's first or last bytes counts as a leak of that part of it. */
    static final int MIN_FRAGMENT = 24;

    /**
     * Occurrences of {@code secret} cut short: its first bytes not followed by the rest, or its
     * last bytes not preceded by the beginning, at least {@code min(MIN_FRAGMENT, length)} of
     * them. Whole occurrences are not counted here.
     *
     * @return {count, bytes of the secret they hold}
     */
    static long[] cutOccurrences(byte[] hay, byte[] secret) {
        int h = Math.min(secret.length, MIN_FRAGMENT);
        long count = 0;
        long bytes = 0;
        boolean[] inHead = new boolean[hay.length];
        for (int i = 0; i + h <= hay.length; i++) {
            if (!regionMatches(hay, i, secret, 0, h)) {
                continue;
            }
            int j = h;
            while (j < secret.length && i + j < hay.length && hay[i + j] == secret[j]) {
                j++;
            }
            java.util.Arrays.fill(inHead, i, i + j, true);
            if (j < secret.length) {
                count++;
                bytes += j;
            }
            i += j - 1;
        }
        int tailStart = secret.length - h;
        for (int p = 0; p + h <= hay.length; p++) {
            if (inHead[p + h - 1] || !regionMatches(hay, p, secret, tailStart, h)) {
                continue;
            }
            int k = 0;
            while (tailStart - k - 1 >= 0 && p - k - 1 >= 0 && hay[p - k - 1] == secret[tailStart - k - 1]) {
                k++;
            }
            count++;
            bytes += h + k;
            p += h - 1;
        }
        return new long[] {count, bytes};
    }

    private static boolean regionMatches(byte[] hay, int at, byte[] needle, int from, int len) {
        for (int x = 0; x < len; x++) {
            if (hay[at + x] != needle[from + x]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The byte strings that give a secret away, by a label for the findings ("" for the value
     * itself). Base64 of a text that contains the secret at byte offset {@code k} (mod 3)
     * contains, whatever surrounds it, the characters that encode only the secret's bits: the
     * encoding of {@code k} filler bytes and the secret without the first
     * {@code ceil(8k/6)} characters (they mix in the bytes before) and without a last
     * character that mixes in the bytes after. Both alphabets; equal forms once.
     */
    static Map<String, byte[]> forms(String secret) {
        byte[] raw = secret.getBytes(StandardCharsets.UTF_8);
        Map<String, byte[]> out = new LinkedHashMap<>();
        out.put("", raw);
        Set<String> seen = new HashSet<>();
        seen.add(secret);
        for (Map.Entry<String, Base64.Encoder> alphabet : List.of(
                Map.entry("base64", Base64.getEncoder().withoutPadding()),
                Map.entry("base64url", Base64.getUrlEncoder().withoutPadding()))) {
            for (int k = 0; k < 3; k++) {
                byte[] shifted = new byte[k + raw.length];
                System.arraycopy(raw, 0, shifted, k, raw.length);
                String encoded = alphabet.getValue().encodeToString(shifted);
                int from = (8 * k + 5) / 6;
                int to = (8 * shifted.length) % 6 == 0 ? encoded.length() : encoded.length() - 1;
                String core = encoded.substring(from, to);
                if (seen.add(core)) {
                    out.put(", as " + alphabet.getKey() + " at offset " + k, core.getBytes(StandardCharsets.US_ASCII));
                }
            }
        }
        return out;
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
