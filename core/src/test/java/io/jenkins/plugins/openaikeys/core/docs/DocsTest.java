package io.jenkins.plugins.openaikeys.core.docs;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the documentation true to the code it describes.
 *
 * <ul>
 *   <li>Every sentence quoted in the first column of a table of {@code docs/troubleshooting.md} whose
 *   header's first cell is {@code Message} must still be printed by the code: the cell is one code
 *   span, {@code ‹…›} marks a variable part (any short text), and the rest must
 *   occur verbatim in the string literals of {@code core/src/main} or {@code plugin/src/main}, Java
 *   {@code "a" + "b"} concatenations joined.</li>
 *   <li>Every key and symbol that a {@code ```yaml} block of {@code docs/} or {@code README.md} names
 *   under {@code openAIKeys:} must exist in {@code plugin/src/main/java} as a {@code @DataBoundSetter}
 *   property, a {@code @DataBoundConstructor} parameter or a {@code @Symbol}.</li>
 * </ul>
 *
 * <p>Runs in core's build (Maven Central only) because it reads the plugin's sources as text; paths
 * are relative to core's base directory.
 */
class DocsTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path DOCS = ROOT.resolve("docs");
    private static final Path TROUBLESHOOTING = DOCS.resolve("troubleshooting.md");
    private static final Path PLUGIN_MAIN = ROOT.resolve("plugin/src/main");
    private static final Path CORE_MAIN = ROOT.resolve("core/src/main");

    /** The fewest quoted messages the table must yield: guards against a parser that silently finds none. */
    private static final int MIN_MESSAGES = 30;

    /** How much text one {@code ‹…›} may stand for. */
    private static final int PLACEHOLDER_MAX = 200;

    /** Joins literal pieces of one statement that are separated by code (a gap a placeholder may span). */
    private static final char GAP = '\u0001';

    private static List<String> codeTexts;

    @BeforeAll
    static void readCode() {
        Assumptions.assumeTrue(Files.isDirectory(PLUGIN_MAIN.resolve("java")),
                "Skipped: " + PLUGIN_MAIN + " does not exist, so the documentation cannot be checked against the plugin's code.");
        codeTexts = new ArrayList<>();
        for (Path base : List.of(CORE_MAIN, PLUGIN_MAIN)) {
            for (Path file : files(base)) {
                String name = file.getFileName().toString();
                String text = read(file);
                if (name.endsWith(".java")) {
                    codeTexts.add(literalText(text));
                } else if (name.endsWith(".properties") || name.endsWith(".jelly") || name.endsWith(".html")) {
                    codeTexts.add(text);
                }
            }
        }
        assertTrue(codeTexts.size() > 50, "expected the sources of core and plugin under " + ROOT);
    }

    // ------------------------------------------------------------------ (a) troubleshooting sentences

    @Test
    void everyQuotedMessageIsPrintedByTheCode() {
        List<String> messages = quotedMessages(read(TROUBLESHOOTING));
        assertTrue(messages.size() >= MIN_MESSAGES, "found only " + messages.size() + " quoted messages in "
                + TROUBLESHOOTING + ": each row of a table whose first header cell is 'Message' quotes one in backticks");
        List<String> missing = new ArrayList<>();
        for (String m : messages) {
            Pattern p = messagePattern(m);
            if (codeTexts.stream().noneMatch(t -> p.matcher(t).find())) {
                missing.add(m);
            }
        }
        if (!missing.isEmpty()) {
            fail(missing.size() + " sentence(s) quoted in docs/troubleshooting.md are not in core/src/main or"
                    + " plugin/src/main any more; update the table:\n  " + String.join("\n  ", missing));
        }
    }

    /** The first cell of each row of every table whose header's first cell is "Message". */
    static List<String> quotedMessages(String markdown) {
        List<String> out = new ArrayList<>();
        boolean inTable = false;
        boolean headerSeen = false;
        for (String line : markdown.split("\n", -1)) {
            String t = line.strip();
            if (!t.startsWith("|")) {
                inTable = false;
                headerSeen = false;
                continue;
            }
            List<String> cells = cells(t);
            if (!headerSeen) {
                headerSeen = true;
                inTable = !cells.isEmpty() && cells.get(0).equals("Message");
                continue;
            }
            if (!inTable || cells.isEmpty() || cells.get(0).matches(":?-+:?")) {
                continue;
            }
            String first = cells.get(0);
            if (!first.startsWith("`") || !first.endsWith("`") || first.length() < 3
                    || first.substring(1, first.length() - 1).contains("`")) {
                throw new AssertionError("The first cell must be exactly one code span: " + line);
            }
            out.add(first.substring(1, first.length() - 1));
        }
        return out;
    }

    private static List<String> cells(String row) {
        String r = row.strip();
        if (r.startsWith("|")) {
            r = r.substring(1);
        }
        if (r.endsWith("|") && !r.endsWith("\\|")) {
            r = r.substring(0, r.length() - 1);
        }
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        for (int i = 0; i < r.length(); i++) {
            char c = r.charAt(i);
            if (c == '\\' && i + 1 < r.length() && r.charAt(i + 1) == '|') {
                cell.append('|');
                i++;
            } else if (c == '|') {
                cells.add(cell.toString().strip());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString().strip());
        return cells;
    }

    /**
     * {@code ‹x›} is any text of at most {@value #PLACEHOLDER_MAX} characters (it may cross into the next
     * statement: a message is often built from a variable set just before); the rest is literal.
     */
    static Pattern messagePattern(String message) {
        StringBuilder re = new StringBuilder();
        Matcher m = Pattern.compile("‹[^›]*›").matcher(message);
        int at = 0;
        while (m.find()) {
            re.append(Pattern.quote(message.substring(at, m.start())));
            re.append("[\\s\\S]{0," + PLACEHOLDER_MAX + "}?");
            at = m.end();
        }
        re.append(Pattern.quote(message.substring(at)));
        return Pattern.compile(re.toString());
    }

    /**
     * The string literals of a Java file, in order: literals joined by {@code +} alone are one text;
     * literals separated by other code within a statement are joined by {@link #GAP}; a statement or
     * block boundary ({@code ;}, braces) between them is a line break. Fixed text never matches across
     * a gap or a break, so a sentence must be one literal or one {@code +} chain between placeholders.
     */
    static String literalText(String java) {
        StringBuilder out = new StringBuilder();
        StringBuilder between = new StringBuilder();
        boolean any = false;
        int i = 0;
        int n = java.length();
        while (i < n) {
            char c = java.charAt(i);
            if (c == '/' && i + 1 < n && java.charAt(i + 1) == '/') {
                int end = java.indexOf('\n', i);
                i = end < 0 ? n : end;
            } else if (c == '/' && i + 1 < n && java.charAt(i + 1) == '*') {
                int end = java.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else if (c == '\'') {
                int j = i + 1;
                while (j < n && java.charAt(j) != '\'') {
                    j += java.charAt(j) == '\\' ? 2 : 1;
                }
                between.append("x");
                i = j + 1;
            } else if (c == '"' && java.startsWith("\"\"\"", i)) {
                int end = java.indexOf("\"\"\"", i + 3);
                end = end < 0 ? n : end;
                appendLiteral(out, between, any, java.substring(java.indexOf('\n', i) + 1, end).stripIndent());
                any = true;
                between.setLength(0);
                i = end + 3;
            } else if (c == '"') {
                StringBuilder lit = new StringBuilder();
                int j = i + 1;
                while (j < n && java.charAt(j) != '"') {
                    char d = java.charAt(j);
                    if (d == '\\' && j + 1 < n) {
                        char e = java.charAt(j + 1);
                        switch (e) {
                            case 'n' -> lit.append('\n');
                            case 't' -> lit.append('\t');
                            case 'r' -> lit.append('\r');
                            case 'u' -> {
                                int k = j + 1;
                                while (k < n && java.charAt(k) == 'u') {
                                    k++;
                                }
                                lit.append((char) Integer.parseInt(java.substring(k, k + 4), 16));
                                j = k + 4 - 2;
                            }
                            default -> lit.append(e);
                        }
                        j += 2;
                    } else {
                        lit.append(d);
                        j++;
                    }
                }
                appendLiteral(out, between, any, lit.toString());
                any = true;
                between.setLength(0);
                i = j + 1;
            } else {
                between.append(c);
                i++;
            }
        }
        // java.util.logging formats a message with {0} parameters by MessageFormat, where '' prints '
        StringBuilder text = new StringBuilder();
        for (String statement : out.toString().split("\n", -1)) {
            if (text.length() > 0) {
                text.append('\n');
            }
            text.append(statement.matches("(?s).*\\{\\d+}.*") ? statement.replace("''", "'") : statement);
        }
        return text.toString();
    }

    private static void appendLiteral(StringBuilder out, StringBuilder between, boolean any, String literal) {
        if (any) {
            String code = between.toString().strip();
            if (code.contains(";") || code.contains("{") || code.contains("}")) {
                out.append('\n');
            } else if (!code.equals("+")) {
                out.append(GAP);
            }
        }
        out.append(literal);
    }

    // ------------------------------------------------------------------ (b) JCasC keys and symbols

    @Test
    void everyJcascKeyUnderOpenAIKeysExists() {
        Set<String> known = jcascNames();
        assertTrue(known.contains("openAIKeys") && known.contains("vaultAddress"),
                "could not read @Symbol/@DataBoundSetter names from " + PLUGIN_MAIN + ": " + known);
        Set<String> used = new TreeSet<>();
        List<String> unknown = new ArrayList<>();
        List<Path> docs = new ArrayList<>(files(DOCS).stream().filter(p -> p.toString().endsWith(".md")).toList());
        docs.add(ROOT.resolve("README.md"));
        for (Path doc : docs) {
            if (!Files.exists(doc)) {
                continue;
            }
            for (String block : yamlBlocks(read(doc))) {
                for (String key : openAIKeysKeys(block)) {
                    used.add(key);
                    if (!known.contains(key)) {
                        unknown.add(ROOT.relativize(doc) + ": " + key);
                    }
                }
            }
        }
        assertTrue(used.size() >= 10, "found only " + used + " JCasC keys under openAIKeys: in the docs' yaml blocks");
        if (!unknown.isEmpty()) {
            fail("JCasC keys or symbols in the docs that plugin/src/main/java does not define (no @DataBoundSetter,"
                    + " @DataBoundConstructor parameter or @Symbol of that name):\n  " + String.join("\n  ", unknown));
        }
    }

    static List<String> yamlBlocks(String markdown) {
        List<String> blocks = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^[ \\t]*```ya?ml[ \\t]*\\n(.*?)^[ \\t]*```", Pattern.DOTALL).matcher(markdown);
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    /**
     * The mapping keys of a YAML block that lie under {@code openAIKeys:}; a block without any key at
     * column 0 is a fragment of that tree (e.g. an indented {@code vaultAuth:} example) and counts whole.
     * List dashes are skipped; the content of block scalars ({@code |}, {@code >}) is not read.
     */
    static Set<String> openAIKeysKeys(String block) {
        String[] lines = block.split("\n", -1);
        boolean fragment = Stream.of(lines).noneMatch(l -> l.matches("[A-Za-z_][\\w-]*:.*"));
        Set<String> keys = new LinkedHashSet<>();
        Pattern key = Pattern.compile("^( *)(?:- +)*([A-Za-z_][\\w-]*):(?:\\s+(.*))?$");
        int under = fragment ? -1 : Integer.MAX_VALUE; // indentation of openAIKeys:, -1 = whole block
        int scalarIndent = -1; // inside a block scalar whose key had this indentation
        for (String raw : lines) {
            String line = raw.replaceAll("\\s+#.*$", "");
            if (line.isBlank() || line.strip().startsWith("#")) {
                continue;
            }
            int indent = line.length() - line.stripLeading().length();
            if (scalarIndent >= 0) {
                if (indent > scalarIndent) {
                    continue;
                }
                scalarIndent = -1;
            }
            Matcher m = key.matcher(line);
            if (!m.matches()) {
                continue;
            }
            String name = m.group(2);
            String value = m.group(3) == null ? "" : m.group(3).strip();
            int keyIndent = indent;
            if (!fragment && under != Integer.MAX_VALUE && keyIndent <= under) {
                under = Integer.MAX_VALUE; // left the openAIKeys: subtree
            }
            if (under == Integer.MAX_VALUE) {
                if (name.equals("openAIKeys")) {
                    under = keyIndent;
                    keys.add(name);
                }
            } else {
                keys.add(name);
            }
            if (value.startsWith("|") || value.startsWith(">")) {
                scalarIndent = keyIndent;
            }
        }
        return keys;
    }

    /** @Symbol values, @DataBoundSetter property names and @DataBoundConstructor parameter names of the plugin. */
    static Set<String> jcascNames() {
        Set<String> names = new TreeSet<>();
        Pattern symbol = Pattern.compile("@Symbol\\(\\s*\\{?([^)}]*)\\}?\\s*\\)");
        Pattern setter = Pattern.compile("@DataBoundSetter\\s+(?:@\\w+\\s+)*(?:public\\s+)?(?:synchronized\\s+)?void\\s+set(\\w+)\\s*\\(");
        Pattern field = Pattern.compile("@DataBoundSetter\\s+(?:@\\w+\\s+)*(?:public\\s+|private\\s+|protected\\s+)?[\\w<>,\\s]+?\\s(\\w+)\\s*[;=]");
        Pattern ctor = Pattern.compile("@DataBoundConstructor\\s+(?:public\\s+)?\\w+\\s*\\(([^)]*)\\)");
        for (Path file : files(PLUGIN_MAIN.resolve("java"))) {
            if (!file.toString().endsWith(".java")) {
                continue;
            }
            String java = read(file).replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\\n]*", "");
            Matcher m = symbol.matcher(java);
            while (m.find()) {
                Matcher q = Pattern.compile("\"([^\"]+)\"").matcher(m.group(1));
                while (q.find()) {
                    names.add(q.group(1));
                }
            }
            m = setter.matcher(java);
            while (m.find()) {
                names.add(Character.toLowerCase(m.group(1).charAt(0)) + m.group(1).substring(1));
            }
            m = field.matcher(java);
            while (m.find()) {
                names.add(m.group(1));
            }
            m = ctor.matcher(java);
            while (m.find()) {
                for (String param : m.group(1).split(",")) {
                    String[] words = param.strip().split("\\s+");
                    if (words.length >= 2) {
                        names.add(words[words.length - 1]);
                    }
                }
            }
        }
        return names;
    }

    // ------------------------------------------------------------------ helpers

    private static List<Path> files(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).replace("\r\n", "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
