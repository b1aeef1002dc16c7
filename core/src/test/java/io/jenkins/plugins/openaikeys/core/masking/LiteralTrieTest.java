package io.jenkins.plugins.openaikeys.core.masking;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class LiteralTrieTest {

    private static final List<String> LITERALS =
            List.of("+ab", "-ab", "/ab", "_ab", "=ab", "Aab", "Zab", "aab", "zab", "0ab", "9ab", "Zax");

    @Test
    void matchesExactlyItsLiteralsAlsoWhenSplitBehindCharacterClasses() {
        LiteralTrie trie = new LiteralTrie();
        LITERALS.forEach(l -> trie.add(l, ""));
        Pattern p = Pattern.compile(trie.regex());
        for (String l : LITERALS) {
            assertThat(p.matcher(l).matches()).as(l).isTrue();
        }
        for (String other : List.of(".ab", ",ab", "Bab", "Zay", "\\ab", "ab", "+ab+")) {
            assertThat(p.matcher(other).matches()).as(other).isFalse();
        }
    }

    @Test
    void quotedCharactersMeanThemselvesInsideAClass() {
        // Unquoted, "[+-/]" would be the range '+'..'/', which holds ',' and '.'.
        Pattern p = Pattern.compile("[" + LiteralTrie.quote("+-/_=") + "]");
        for (char c : "+-/_=".toCharArray()) {
            assertThat(p.matcher(String.valueOf(c)).matches()).as("%s", c).isTrue();
        }
        assertThat(p.matcher(",").matches()).isFalse();
        assertThat(p.matcher(".").matches()).isFalse();
    }

    @Test
    void eachLiteralKeepsItsOwnContinuation() {
        Pattern p = Pattern.compile(new LiteralTrie().add("ab", "(?=1)").add("ac", "(?=2)").add("a", "(?=3)").regex());
        assertThat(p.matcher("ab1").lookingAt()).isTrue();
        assertThat(p.matcher("ab2").lookingAt()).isFalse();
        assertThat(p.matcher("ac2").lookingAt()).isTrue();
        assertThat(p.matcher("a3").lookingAt()).isTrue();
        assertThat(p.matcher("a4").lookingAt()).isFalse();
    }

    @Test
    void anEmptyTrieNeverMatches() {
        assertThat(Pattern.compile(new LiteralTrie().regex()).matcher("anything").find()).isFalse();
    }
}
