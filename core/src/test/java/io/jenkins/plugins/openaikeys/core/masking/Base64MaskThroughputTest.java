package io.jenkins.plugins.openaikeys.core.masking;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Prints how fast the mask goes through a 1 MB console log, line by line as the log filter does.
 * Measured in this thread's CPU time, so that other work on a shared build machine does not blur it.
 */
class Base64MaskThroughputTest {

    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    @Test
    void masksAMegabyteLogLineByLine() {
        Random random = new Random(21);
        String key = Base64MaskTest.openAiKey(random, 164);
        Pattern mask = Base64Mask.pattern(List.of(key));
        List<String> log = new ArrayList<>();
        List<Boolean> innocent = new ArrayList<>();
        int bytes = 0;
        while (bytes < 1 << 20) {
            int kind = random.nextInt(10);
            List<String> chunk = switch (kind) {
                case 0, 1, 2 -> Base64.getMimeEncoder().encodeToString(Base64MaskTest.randomBytes(random, 570))
                        .lines().toList(); // innocent Base64: an artifact, a certificate
                case 3 -> Base64.getMimeEncoder().encodeToString(Base64MaskTest.concat(
                        Base64MaskTest.randomBytes(random, random.nextInt(100)), key.getBytes(StandardCharsets.UTF_8)))
                        .lines().toList();
                default -> List.of("[INFO] Compiling 42 source files with javac [debug release 17] to target/classes",
                        "+ curl -sS -H 'Authorization: Bearer ****' https://api.openai.com/v1/models",
                        "test_evaluations.py::test_rubric[case-" + random.nextInt(1000) + "] PASSED   [ 42%]");
            };
            for (String line : chunk) {
                log.add(line + "\n");
                innocent.add(kind != 3);
                bytes += line.length() + 1;
            }
        }
        double baseline = megabytesPerSecond(log, bytes, literalForms(key));
        int rounds = 3;
        long best = Long.MAX_VALUE;
        int masked = 0;
        int innocentMasked = 0;
        for (int round = 0; round < rounds; round++) {
            masked = 0;
            innocentMasked = 0;
            long start = CPU.getCurrentThreadCpuTime();
            for (int i = 0; i < log.size(); i++) {
                String line = log.get(i);
                if (!mask.matcher(line).replaceAll("****").equals(line)) {
                    masked++;
                    innocentMasked += innocent.get(i) ? 1 : 0;
                }
            }
            best = Math.min(best, CPU.getCurrentThreadCpuTime() - start);
        }
        double seconds = best / 1e9;
        System.out.printf("Base64 mask: %d lines, %.2f MB in %.0f ms CPU (%.1f MB/s), %d lines masked, expression %d"
                + " characters; on the same log the key and its 6 unwrapped Base64 forms as literals: %.1f MB/s%n",
                log.size(), bytes / 1e6, seconds * 1e3, bytes / 1e6 / seconds, masked, mask.pattern().length(), baseline);
        assertThat(masked).isPositive();
        assertThat(innocentMasked).isZero();
    }

    /** What credentials-binding's SecretPatterns builds for one key: the literal and unwrapped Base64 forms. */
    private static Pattern literalForms(String key) {
        List<String> forms = new ArrayList<>(List.of(key));
        for (String pad : List.of("", "a", "aa")) {
            String encoded = Base64.getEncoder().encodeToString((pad + key).getBytes(StandardCharsets.UTF_8));
            String shifted = encoded.substring(pad.length() * 2);
            forms.add(shifted);
            forms.add(shifted.replaceAll("=+$", ""));
        }
        return Pattern.compile(String.join("|", forms.stream().map(Pattern::quote).toList()));
    }

    private static double megabytesPerSecond(List<String> log, int bytes, Pattern p) {
        long best = Long.MAX_VALUE;
        for (int round = 0; round < 3; round++) {
            long start = CPU.getCurrentThreadCpuTime();
            for (String line : log) {
                p.matcher(line).replaceAll("****");
            }
            best = Math.min(best, CPU.getCurrentThreadCpuTime() - start);
        }
        return bytes / 1e6 / (best / 1e9);
    }
}
