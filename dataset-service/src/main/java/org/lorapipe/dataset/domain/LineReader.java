package org.lorapipe.dataset.domain;

import java.io.IOException;
import java.io.Reader;

/**
 * Reads text line by line with a cap on the length of a line: a line longer than {@code maxChars} is
 * read past (its characters are counted, never kept), so one 300 MB line costs no more memory than a
 * short one. {@link java.io.BufferedReader#readLine} would hold all of it.
 */
final class LineReader {
    /** One line: its text, or null with {@link #length} when it was too long to keep. */
    record Line(String text, long length) {
        boolean tooLong() {
            return text == null;
        }
    }

    private final Reader in;
    private final int maxChars;
    private final char[] buffer = new char[1 << 16];
    private int pos;
    private int end;

    LineReader(Reader in, int maxChars) {
        this.in = in;
        this.maxChars = maxChars;
    }

    /** The next line without its line break ({@code \n} or {@code \r\n}), or null at the end of the text. */
    Line next() throws IOException {
        StringBuilder text = new StringBuilder();
        long length = 0;
        boolean sawAny = false;
        while (true) {
            if (pos == end) {
                end = in.read(buffer, 0, buffer.length);
                pos = 0;
                if (end <= 0) {
                    end = 0;
                    return sawAny ? finish(text, length) : null;
                }
            }
            sawAny = true;
            int start = pos;
            while (pos < end && buffer[pos] != '\n') {
                pos++;
            }
            int n = pos - start;
            if (length + n <= maxChars) {
                text.append(buffer, start, n);
            } else if (text != null) {
                text = null; // too long: stop keeping, keep counting
            }
            length += n;
            if (pos < end) { // the line break
                pos++;
                return finish(text, length);
            }
        }
    }

    private static Line finish(StringBuilder text, long length) {
        if (text == null) {
            return new Line(null, length);
        }
        int last = text.length() - 1;
        if (last >= 0 && text.charAt(last) == '\r') {
            text.setLength(last);
            length--;
        }
        return new Line(text.toString(), length);
    }
}
