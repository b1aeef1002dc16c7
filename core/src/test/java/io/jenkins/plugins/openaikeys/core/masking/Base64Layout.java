package io.jenkins.plugins.openaikeys.core.masking;

import java.util.BitSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test helper: where the secret's bytes sit in an encoded input, and how many of them a reader of
 * one line of the output can still decode once the mask has been applied.
 */
final class Base64Layout {

    private final int prefix;
    private final int secretLength;

    Base64Layout(int prefix, int secretLength) {
        this.prefix = prefix;
        this.secretLength = secretLength;
    }

    /**
     * Secret bytes wholly decodable from {@code line}, which starts at character {@code offset} of
     * the unwrapped encoding; characters the pattern matches are treated as gone.
     */
    int readableSecretBytes(String line, int offset, Pattern mask) {
        BitSet hidden = new BitSet(line.length());
        if (mask != null) {
            Matcher m = mask.matcher(line);
            while (m.find()) {
                hidden.set(m.start(), m.end());
            }
        }
        int readable = 0;
        for (int j = 0; j < secretLength; j++) {
            long firstBit = 8L * (prefix + j);
            int from = (int) (firstBit / 6);
            int to = (int) ((firstBit + 7) / 6);
            boolean all = true;
            for (int c = from; c <= to && all; c++) {
                int at = c - offset;
                all = at >= 0 && at < line.length() && !hidden.get(at);
            }
            if (all) {
                readable++;
            }
        }
        return readable;
    }
}
