package org.lorapipe.evaluation.domain;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A small RFC 4180 reader: fields separated by commas, optionally quoted (a doubled quote inside a
 * quoted field is a quote), records ended by CRLF or LF; a quoted field may span lines. Like Python's
 * csv module (which MMLU's files were written for), a quote inside an unquoted field, or text after a
 * closing quote, is kept literally: some MMLU files have them.
 */
final class CsvRecords {

    /** One record and the 1-based line it starts on. */
    record Record(long line, List<String> fields) {}

    private CsvRecords() {}

    static List<Record> parse(String text, Path file) {
        List<Record> records = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        long line = 1;
        long recordLine = 1;
        boolean quoted = false;
        boolean wasQuoted = false;
        boolean any = false;
        int i = 0;
        int n = text.length();
        if (n > 0 && text.charAt(0) == '\uFEFF') {
            i = 1; // byte-order mark
        }
        for (; i < n; i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < n && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    if (c == '\n') {
                        line++;
                    }
                    field.append(c);
                }
                continue;
            }
            switch (c) {
                case '"' -> {
                    if (field.length() > 0 || wasQuoted) {
                        field.append(c); // literal, as Python's csv
                    } else {
                        quoted = true;
                        wasQuoted = true;
                    }
                    any = true;
                }
                case ',' -> {
                    fields.add(field.toString());
                    field.setLength(0);
                    wasQuoted = false;
                    any = true;
                }
                case '\r' -> {
                    // CRLF: the LF ends the record
                }
                case '\n' -> {
                    if (any || field.length() > 0) {
                        fields.add(field.toString());
                        records.add(new Record(recordLine, List.copyOf(fields)));
                    }
                    fields.clear();
                    field.setLength(0);
                    wasQuoted = false;
                    any = false;
                    line++;
                    recordLine = line;
                }
                default -> {
                    field.append(c);
                    any = true;
                }
            }
        }
        if (quoted) {
            throw new BenchmarkFormatException(file, recordLine, "a quoted field is never closed");
        }
        if (any || field.length() > 0) {
            fields.add(field.toString());
            records.add(new Record(recordLine, List.copyOf(fields)));
        }
        return records;
    }
}
