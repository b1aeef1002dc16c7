package io.jenkins.plugins.openaikeys.acceptance.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds a key's bytes in files: the key itself, and fragments of its Base64 forms (standard and
 * URL-safe, each of the three alignments a key can have inside a longer encoded text), as a
 * line-wrapping encoder prints them.
 */
public final class KeyLeaks {

    private KeyLeaks() {
    }

    /** Needles that betray the key: the value and 32-character slices of its Base64 encodings. */
    public static Map<String, String> needles(String key) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put(key, "the key");
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        for (int align = 0; align < 3; align++) {
            byte[] shifted = new byte[k.length + align];
            System.arraycopy(k, 0, shifted, align, k.length);
            for (Base64.Encoder enc : List.of(Base64.getEncoder(), Base64.getUrlEncoder())) {
                String b64 = enc.encodeToString(shifted);
                String inner = b64.substring(4, b64.length() - 4); // not influenced by the padding or the shift bytes
                for (int off = 0; off + 32 <= inner.length(); off += 24) {
                    out.put(inner.substring(off, off + 32), "a Base64 fragment of the key");
                }
            }
        }
        return out;
    }

    /** Every Base64 line fragment of at least {@code minLength} characters that the key's encoding contains. */
    public static List<String> base64LinesOf(String key, String console, int minLength) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        List<String> encodings = new ArrayList<>();
        for (int align = 0; align < 3; align++) {
            byte[] shifted = new byte[k.length + align];
            System.arraycopy(k, 0, shifted, align, k.length);
            encodings.add(Base64.getEncoder().encodeToString(shifted));
            encodings.add(Base64.getUrlEncoder().encodeToString(shifted));
        }
        List<String> hits = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("[A-Za-z0-9+/_-]{" + minLength + ",}").matcher("");
        for (String raw : console.split("\\R")) {
            m.reset(raw);
            while (m.find()) {
                String token = m.group();
                if (encodings.stream().anyMatch(e -> e.contains(token))) {
                    hits.add(raw);
                    break;
                }
            }
        }
        return hits;
    }

    /** "path: what" for every file under {@code roots} that contains a needle of any key. */
    public static List<String> scan(Collection<String> keys, List<Path> roots) {
        Map<String, String> all = new LinkedHashMap<>();
        keys.forEach(k -> all.putAll(needles(k)));
        List<byte[]> bytes = all.keySet().stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
        List<String> descriptions = new ArrayList<>(all.values());
        List<String> found = new ArrayList<>();
        if (all.isEmpty()) {
            return found;
        }
        for (Path root : roots) {
            if (!Files.exists(root)) {
                continue;
            }
            try {
                Files.walkFileTree(root, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) {
                        // the plugins' own files and the exploded war hold no build data
                        Path rel = root.relativize(d);
                        return rel.toString().equals("plugins") || rel.toString().equals("war")
                                ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path f, BasicFileAttributes a) {
                        if (!a.isRegularFile() || a.size() > 64L << 20) {
                            return FileVisitResult.CONTINUE;
                        }
                        byte[] content;
                        try {
                            content = Files.readAllBytes(f);
                        } catch (IOException e) {
                            return FileVisitResult.CONTINUE; // vanished while walking
                        }
                        for (int i = 0; i < bytes.size(); i++) {
                            if (indexOf(content, bytes.get(i)) >= 0) {
                                found.add(f + ": " + descriptions.get(i));
                                break;
                            }
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path f, IOException e) {
                        return FileVisitResult.CONTINUE;
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return found;
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
