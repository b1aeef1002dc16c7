package io.jenkins.plugins.openaikeys.core.masking;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class Base64MaskTest {

    private static final String URL_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    static String openAiKey(Random random, int randomChars) {
        StringBuilder key = new StringBuilder("sk-svcacct-");
        for (int i = 0; i < randomChars; i++) {
            key.append(URL_SAFE.charAt(random.nextInt(URL_SAFE.length())));
        }
        return key.toString();
    }

    static byte[] randomBytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** A wrapped line of encoder output and the offset of its first character in the unwrapped encoding. */
    record Line(String text, int offset, String terminator) {
    }

    /** Runs the real MIME encoder with {@code width} and splits its output as a console would. */
    static List<Line> mimeLines(byte[] input, int width, String separator) {
        String wrapped = Base64.getMimeEncoder(width, separator.getBytes(StandardCharsets.US_ASCII))
                .encodeToString(input);
        List<Line> lines = new ArrayList<>();
        int offset = 0;
        for (String text : wrapped.split(separator, -1)) {
            lines.add(new Line(text, offset, separator));
            offset += text.length();
        }
        assertThat(String.join("", wrapped.split(separator))).isEqualTo(Base64.getEncoder().encodeToString(input));
        return lines;
    }

    static List<Line> urlSafeLines(byte[] input, int width, boolean padded) {
        Base64.Encoder encoder = padded ? Base64.getUrlEncoder() : Base64.getUrlEncoder().withoutPadding();
        String flat = encoder.encodeToString(input);
        List<Line> lines = new ArrayList<>();
        for (int at = 0; at < flat.length(); at += width) {
            lines.add(new Line(flat.substring(at, Math.min(flat.length(), at + width)), at, "\n"));
        }
        return lines;
    }

    /**
     * Every line that carries {@value Base64Mask#MIN_KEY_BYTES}+ secret bytes is masked down to
     * none; every other line (innocent data, short edges like {@code Cg==}) is left as it is.
     */
    private static int checkLines(List<Line> lines, Base64Layout layout, Pattern mask) {
        int masked = 0;
        for (Line line : lines) {
            String console = line.text() + line.terminator(); // what the per-line log filter sees
            int before = layout.readableSecretBytes(line.text(), line.offset(), null);
            int after = layout.readableSecretBytes(line.text(), line.offset(), mask);
            if (before >= Base64Mask.MIN_KEY_BYTES) {
                assertThat(after).as("secret bytes left readable in a line that carried %d", before).isZero();
                assertThat(mask.matcher(console).replaceAll("****")).contains("****");
                masked++;
            } else {
                assertThat(mask.matcher(console).find())
                        .as("a line carrying only %d secret bytes must stay as printed", before).isFalse();
            }
        }
        return masked;
    }

    @Test
    void everyLineOfMimeOutputThatCarriesKeyMaterialIsMaskedAtWidths64And76() {
        Random random = new Random(9);
        int maskedLines = 0;
        for (int width : new int[] {64, 76}) {
            for (int prefix = 0; prefix <= 200; prefix++) {
                String key = openAiKey(random, 150 + random.nextInt(50));
                byte[] secret = key.getBytes(StandardCharsets.UTF_8);
                Pattern mask = Base64Mask.pattern(List.of(key));
                byte[] suffix = switch (prefix % 3) {
                    case 0 -> new byte[0]; // printf %s "$KEY" | base64
                    case 1 -> new byte[] {'\n'}; // echo "$KEY" | base64
                    default -> randomBytes(random, random.nextInt(60));
                };
                byte[] input = concat(randomBytes(random, prefix), secret, suffix);
                Base64Layout layout = new Base64Layout(prefix, secret.length);
                maskedLines += checkLines(mimeLines(input, width, width == 76 ? "\r\n" : "\n"), layout, mask);
            }
        }
        assertThat(maskedLines).isGreaterThan(2 * 201 * 2);
    }

    @Test
    void wrappedUrlSafeOutputIsMaskedWithAndWithoutPadding() {
        Random random = new Random(10);
        for (int prefix = 0; prefix <= 60; prefix++) {
            String key = openAiKey(random, 150 + random.nextInt(50));
            byte[] secret = key.getBytes(StandardCharsets.UTF_8);
            Pattern mask = Base64Mask.pattern(List.of(key));
            byte[] input = concat(randomBytes(random, prefix), secret, randomBytes(random, prefix % 4));
            Base64Layout layout = new Base64Layout(prefix, secret.length);
            assertThat(checkLines(urlSafeLines(input, 76, prefix % 2 == 0), layout, mask)).isGreaterThan(1);
        }
    }

    @Test
    void secretsOfAnyLengthFromEightBytesAreMaskedInWrappedOutput() {
        Random random = new Random(11);
        for (int length = 8; length <= 300; length += 7) {
            String secret = openAiKey(random, length).substring(11); // random url-safe characters only
            byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
            Pattern mask = Base64Mask.pattern(List.of(secret));
            for (int prefix = 0; prefix < 80; prefix += 1 + random.nextInt(5)) {
                byte[] input = concat(randomBytes(random, prefix), bytes, randomBytes(random, random.nextInt(5)));
                checkLines(mimeLines(input, 64, "\n"), new Base64Layout(prefix, bytes.length), mask);
            }
        }
    }

    @Test
    void unwrappedFormsAreMaskedWhole() {
        Random random = new Random(12);
        String key = openAiKey(random, 164);
        byte[] secret = key.getBytes(StandardCharsets.UTF_8);
        Pattern mask = Base64Mask.pattern(List.of(key));
        List<Base64.Encoder> encoders = List.of(Base64.getEncoder(), Base64.getEncoder().withoutPadding(),
                Base64.getUrlEncoder(), Base64.getUrlEncoder().withoutPadding());
        for (Base64.Encoder encoder : encoders) {
            for (int prefix = 0; prefix < 6; prefix++) {
                for (int suffix = 0; suffix < 4; suffix++) {
                    byte[] input = concat(randomBytes(random, prefix), secret, randomBytes(random, suffix));
                    String line = encoder.encodeToString(input);
                    int readable = new Base64Layout(prefix, secret.length).readableSecretBytes(line, 0, mask);
                    assertThat(readable).as("prefix %d, suffix %d", prefix, suffix).isZero();
                }
            }
            String alone = encoder.encodeToString(secret);
            assertThat(mask.matcher("token: " + alone + "\n").replaceAll("****")).isEqualTo("token: ****\n");
        }
    }

    @Test
    void aFinalLineOfOnlyTheNewlineIsNotMasked() {
        Random random = new Random(13);
        String key = openAiKey(random, 150);
        byte[] secret = key.getBytes(StandardCharsets.UTF_8);
        int prefix = Math.floorMod(-secret.length, 57); // the newline starts the last 57-byte line
        byte[] input = concat(randomBytes(random, prefix), secret, new byte[] {'\n'});
        List<Line> lines = mimeLines(input, 76, "\r\n");
        Line last = lines.get(lines.size() - 1);
        assertThat(last.text()).isEqualTo("Cg==");
        Pattern mask = Base64Mask.pattern(List.of(key));
        assertThat(mask.matcher(last.text() + "\r\n").find()).isFalse();
        assertThat(mask.matcher(lines.get(lines.size() - 2).text()).find()).isTrue();
    }

    @Test
    void innocentBase64IsNotMasked() {
        Random random = new Random(14);
        List<String> keys = List.of(openAiKey(random, 150), openAiKey(random, 180));
        Pattern mask = Base64Mask.pattern(keys);
        byte[] data = randomBytes(random, 1 << 19);
        for (String line : Base64.getMimeEncoder().encodeToString(data).split("\r\n")) {
            assertThat(mask.matcher(line).find()).as(line).isFalse();
        }
        byte[] otherKey = openAiKey(random, 150).getBytes(StandardCharsets.UTF_8);
        for (int prefix = 0; prefix < 3; prefix++) {
            String other = Base64.getEncoder().encodeToString(concat(new byte[prefix], otherKey));
            assertThat(mask.matcher(other).replaceAll("").length())
                    .as("another key's encoding loses at most the public prefix's groups")
                    .isGreaterThanOrEqualTo(other.length() - 16);
        }
    }

    @Test
    void tooShortASecretHasNoBase64Mask() {
        assertThat(Base64Mask.regex(List.of("abcde"))).isEmpty();
        assertThat(Base64Mask.pattern(List.of("abcde"))).isNull();
        assertThat(Base64Mask.regex(List.of())).isEmpty();
        assertThat(Base64Mask.regex(List.of("abcdefgh"))).isNotEmpty();
    }

    @Test
    void coversEverySecretItIsGiven() {
        Random random = new Random(15);
        String a = openAiKey(random, 150);
        String b = openAiKey(random, 160);
        Pattern mask = Base64Mask.pattern(List.of(a, b));
        for (String key : List.of(a, b)) {
            String encoded = Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8));
            assertThat(mask.matcher(encoded).replaceAll("****")).isEqualTo("****");
        }
    }

    @Test
    void sizeOfTheExpressionIsLinearInTheKey() {
        Random random = new Random(16);
        int small = Base64Mask.regex(List.of(openAiKey(random, 89))).length(); // a 100-byte key
        int large = Base64Mask.regex(List.of(openAiKey(random, 189))).length(); // a 200-byte key
        System.out.printf("Base64 mask size: %d characters for a 100-byte key, %d for a 200-byte key%n", small, large);
        assertThat(large).isLessThan(2 * small + 2_000);
        assertThat(large).isLessThan(10_000);
    }

    @Test
    void theStreamNeverPrintsItsCharacters() {
        Base64Stream s = Base64Stream.of("sk-svcacct-abcdefgh".getBytes(StandardCharsets.UTF_8), 0, false);
        assertThat(s.toString()).doesNotContain(s.groups().get(0)).contains("groups");
    }
}
