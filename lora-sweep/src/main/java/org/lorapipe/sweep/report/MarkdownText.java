package org.lorapipe.sweep.report;

/**
 * Text from a request (titles, setting labels, error messages) made inert in Markdown. The text never
 * starts a line (it follows a heading's marker, a list item's or a table cell's), so only inline syntax
 * matters: emphasis and code ({@code * _ ` ~}), links and images ({@code [ ] !}), raw HTML and entities
 * ({@code < > &}), table cells ({@code |}), math on GitHub ({@code $}), a heading's closing {@code #}
 * and the backslash itself are backslash-escaped, as CommonMark allows for any ASCII punctuation. Line
 * breaks and other control characters become spaces, so the text stays on its line, in its cell.
 */
final class MarkdownText {

    private static final String SYNTAX = "\\`*_[]<>#!|~&$";

    private MarkdownText() {}

    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (Character.isISOControl(c) || c == 0x2028 || c == 0x2029) {
                out.append(' ');
            } else {
                if (c < 128 && SYNTAX.indexOf(c) >= 0) {
                    out.append('\\');
                }
                out.appendCodePoint(c);
            }
        }
        return out.toString();
    }

    /** An id or a request path as inline code; escaped text if it could not be one. */
    static String code(String s) {
        boolean plain = s.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '`');
        return plain ? "`" + s + "`" : escape(s);
    }

    /** {@link #escape(String)}, cut to at most {@code max} characters with an ellipsis. */
    static String escape(String s, int max) {
        String oneLine = s.strip();
        if (oneLine.codePointCount(0, oneLine.length()) > max) {
            oneLine = oneLine.substring(0, oneLine.offsetByCodePoints(0, max - 1)) + "…";
        }
        return escape(oneLine);
    }
}
