package io.jenkins.plugins.openaikeys.core.masking;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * What any Base64 encoder prints for a secret that sits at one byte alignment inside a larger
 * input, in one alphabet.
 *
 * <p>Why three parts: an encoder turns each 3 input bytes into 4 characters. Only the groups that
 * lie wholly inside the secret ({@link #groups}) are the same whatever surrounds it; the group where
 * the secret starts ({@link #head}) and the one where it ends ({@link #tailKey}, {@link #tailEnd})
 * mix its bits with the neighbours' or with padding, so only their characters that carry secret bits
 * alone are known.
 *
 * @param head     the characters of the first, shared group that depend on the secret alone ("" when
 *                 the secret starts a group)
 * @param groups   the 4-character groups wholly inside the secret, in order
 * @param tailKey  the characters of the last, shared group that depend on the secret alone ("" when
 *                 the secret ends a group)
 * @param tailEnd  how that group goes on when the secret ends the input: its last secret character
 *                 followed by the padding ("" when the secret ends a group)
 */
record Base64Stream(String head, List<String> groups, String tailKey, String tailEnd) {

    Base64Stream {
        groups = List.copyOf(groups);
    }

    /**
     * The stream of {@code secret} preceded by {@code alignment} (0, 1 or 2) bytes of other data.
     * Leading zero bytes stand in for that data: the characters kept do not depend on it.
     */
    static Base64Stream of(byte[] secret, int alignment, boolean urlSafe) {
        if (alignment < 0 || alignment > 2) {
            throw new IllegalArgumentException("alignment must be 0, 1 or 2");
        }
        byte[] input = new byte[alignment + secret.length];
        System.arraycopy(secret, 0, input, alignment, secret.length);
        Base64.Encoder encoder = urlSafe ? Base64.getUrlEncoder() : Base64.getEncoder();
        String encoded = new String(encoder.encode(input), StandardCharsets.US_ASCII);
        // In the group holding the first secret byte, a character is the secret's alone when all 6 of
        // its bits come after the `alignment` leading bytes: characters 2-3 (alignment 1), 3 (alignment 2).
        String head = alignment == 0 ? "" : encoded.substring(alignment == 1 ? 2 : 3, 4);
        int first = alignment == 0 ? 0 : 4;
        int trailing = input.length % 3; // secret bytes in the last, partial group
        int fullEnd = encoded.length() - (trailing == 0 ? 0 : 4);
        List<String> groups = new ArrayList<>();
        for (int i = first; i + 4 <= fullEnd; i += 4) {
            groups.add(encoded.substring(i, i + 4));
        }
        if (groups.isEmpty()) {
            return new Base64Stream("", List.of(), "", ""); // too short to span a whole group
        }
        String tailKey = "";
        String tailEnd = "";
        if (trailing != 0) {
            String last = encoded.substring(fullEnd);
            // 1 trailing byte: character 0 is its alone; 2 bytes: characters 0-1.
            tailKey = last.substring(0, trailing);
            tailEnd = last.substring(trailing);
        }
        return new Base64Stream(head, groups, tailKey, tailEnd);
    }

    @Override
    public String toString() {
        return "Base64Stream[" + groups.size() + " groups]"; // the parts are as secret as the secret
    }
}
