package org.lorapipe.dataset.domain;

import java.text.Normalizer;
import java.util.regex.Pattern;

/**
 * Canonical text: Unicode NFC; line ends as {@code \n}; no zero-width or control characters; runs of
 * spaces and tabs as one space; no trailing spaces on a line; at most one blank line in a row; no
 * leading or trailing blank space. Two records that differ only in such ways are exact duplicates.
 */
public final class TextNormalizer {
    private static final Pattern CONTROL = Pattern.compile("[\\p{Cc}&&[^\\n\\t]]|[\\u200B-\\u200D\\uFEFF]");
    private static final Pattern SPACES = Pattern.compile("[ \\t\\u00A0]+");
    private static final Pattern TRAILING = Pattern.compile(" +\\n");
    private static final Pattern LEADING = Pattern.compile("\\n +");
    private static final Pattern BLANK_LINES = Pattern.compile("\\n{3,}");

    private TextNormalizer() {}

    public static String normalize(String text) {
        if (text == null) {
            return "";
        }
        String s = Normalizer.normalize(text, Normalizer.Form.NFC);
        s = s.replace("\r\n", "\n").replace('\r', '\n');
        s = CONTROL.matcher(s).replaceAll("");
        s = SPACES.matcher(s).replaceAll(" ");
        s = TRAILING.matcher(s).replaceAll("\n");
        s = LEADING.matcher(s).replaceAll("\n");
        s = BLANK_LINES.matcher(s).replaceAll("\n\n");
        return s.strip();
    }
}
