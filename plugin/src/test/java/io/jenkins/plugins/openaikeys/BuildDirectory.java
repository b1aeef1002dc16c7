package io.jenkins.plugins.openaikeys;

import hudson.model.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

/** Greps every file of a build directory (build.xml, program.dat, log, flow nodes) for secrets. */
public final class BuildDirectory {

    private BuildDirectory() {}

    /** Paths (relative to the build directory) of files containing a value or its Base64 form. */
    public static List<String> filesLeaking(Run<?, ?> run, List<String> secrets) throws IOException {
        Path root = run.getRootDir().toPath();
        List<String> leaking = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                for (String secret : secrets) {
                    String b64 = Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8));
                    if (content.contains(secret) || content.contains(b64)) {
                        leaking.add(root.relativize(file).toString());
                    }
                }
            }
        }
        return leaking;
    }
}
