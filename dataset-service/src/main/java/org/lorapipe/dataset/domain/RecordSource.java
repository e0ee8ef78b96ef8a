package org.lorapipe.dataset.domain;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.lorapipe.contract.ErrorCodes;
import org.lorapipe.contract.json.Json;

/**
 * Streams the records of a dataset file, one at a time, whatever its size: a JSON array (detected by
 * its first character '[') is read element by element with a streaming parser; anything starting with
 * '{' is JSONL, one record per non-blank line, where a line that does not parse becomes a malformed
 * record rather than the end of the run.
 */
public final class RecordSource implements Iterator<RawRecord>, AutoCloseable {
    private final String name;
    private final InputStream in;
    private JsonParser array;
    /** Longest JSONL line kept by default, in characters ({@code lora.limits.record-chars}). */
    public static final int DEFAULT_MAX_RECORD_CHARS = 1 << 20;

    private final int maxRecordChars;
    private final ElementBudget budget;

    private LineReader lines;
    private RawRecord next;
    private long index;
    private long lineNumber;

    public RecordSource(InputStream source, String name) {
        this(source, name, DEFAULT_MAX_RECORD_CHARS);
    }

    /** @param maxRecordChars longest JSONL line read as a record; a longer one becomes a malformed record */
    public RecordSource(InputStream source, String name, int maxRecordChars) {
        this.maxRecordChars = maxRecordChars;
        this.name = name;
        this.budget = new ElementBudget(new BufferedInputStream(source, 1 << 16));
        this.in = budget;
        try {
            int first = firstNonBlank();
            if (first == '[') {
                array = Json.mapper().getFactory().createParser(in);
                array.nextToken();
            } else if (first == '{') {
                lines = new LineReader(new InputStreamReader(in, StandardCharsets.UTF_8), maxRecordChars);
            } else if (first == -1) {
                throw new DatasetException(
                        ErrorCodes.INVALID_INPUT,
                        name + " is empty: upload a JSON array or" + " JSONL file of records");
            } else {
                throw new DatasetException(
                        ErrorCodes.INVALID_INPUT,
                        name + " is not JSON or JSONL: it starts"
                                + " with '" + (char) first
                                + "'; the dataset must be a JSON array of records or one JSON"
                                + " object per line");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
    }

    private int firstNonBlank() throws IOException {
        while (true) {
            in.mark(4);
            int c = in.read();
            if (c == 0xEF) { // UTF-8 byte order mark
                in.read();
                in.read();
                continue;
            }
            if (c == -1 || !Character.isWhitespace(c)) {
                in.reset();
                return c;
            }
        }
    }

    @Override
    public boolean hasNext() {
        if (next == null) {
            next = array != null ? nextFromArray() : nextLine();
        }
        return next != null;
    }

    @Override
    public RawRecord next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        RawRecord r = next;
        next = null;
        return r;
    }

    private RawRecord nextFromArray() {
        try {
            JsonToken token = array.nextToken();
            if (token == null || token == JsonToken.END_ARRAY) {
                return null;
            }
            // the parser reads ahead by one buffer: an element may use that much more than its bound
            budget.allow(4L * maxRecordChars + (1 << 16));
            JsonNode node = array.readValueAsTree();
            budget.allow(Long.MAX_VALUE);
            return new RawRecord(index++, node, null);
        } catch (ElementBudget.Exceeded e) {
            throw new DatasetException(
                    ErrorCodes.INVALID_INPUT,
                    name + ": record " + index + " of the JSON array is larger than " + maxRecordChars
                            + " characters (lora.limits.record-chars), and an array cannot be read past it:"
                            + " convert the file to JSONL (one record per line), where a record too long is only"
                            + " dropped, or shorten the record");
        } catch (JsonProcessingException e) {
            throw new DatasetException(
                    ErrorCodes.INVALID_INPUT,
                    name + " is not valid JSON after record " + index
                            + " (line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr() + "): "
                            + e.getOriginalMessage() + "; fix the file or convert it to JSONL, where one bad line is"
                            + " only dropped");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
    }

    private RawRecord nextLine() {
        try {
            LineReader.Line line;
            do {
                line = lines.next();
                lineNumber++;
                if (line == null) {
                    return null;
                }
            } while (!line.tooLong() && line.text().isBlank());
            if (line.tooLong()) {
                return new RawRecord(
                        index++,
                        null,
                        "line " + lineNumber + " has " + line.length() + " characters, more than the " + maxRecordChars
                                + " a record may have (lora.limits.record-chars)");
            }
            try {
                return new RawRecord(index++, Json.mapper().readTree(line.text()), null);
            } catch (JsonProcessingException e) {
                return new RawRecord(index - 1, null, "line " + lineNumber + " is not JSON: " + e.getOriginalMessage());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
    }

    /** Fails a read once more than the allowed bytes have passed since {@link #allow} was called. */
    private static final class ElementBudget extends FilterInputStream {
        /** A JSON array element larger than its bound. */
        static final class Exceeded extends IOException {
            Exceeded() {
                super("record too large");
            }
        }

        private long left = Long.MAX_VALUE;

        ElementBudget(InputStream in) {
            super(in);
        }

        void allow(long bytes) {
            left = bytes;
        }

        private int spent(int n) throws Exceeded {
            if (n > 0 && left != Long.MAX_VALUE && (left -= n) < 0) {
                throw new Exceeded();
            }
            return n;
        }

        @Override
        public int read() throws IOException {
            int c = super.read();
            spent(c < 0 ? 0 : 1);
            return c;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return spent(super.read(b, off, len));
        }
    }

    @Override
    public void close() {
        try {
            if (array != null) {
                array.close();
            }
            in.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
