package org.lorapipe.evaluation.domain;

import java.nio.file.Path;

/** A benchmark file that is missing or not in the layout its reader expects; names the file and line. */
public final class BenchmarkFormatException extends RuntimeException {

    private final Path file;
    private final long line;

    public BenchmarkFormatException(Path file, long line, String problem) {
        super(file + (line > 0 ? ":" + line : "") + ": " + problem);
        this.file = file;
        this.line = line;
    }

    public BenchmarkFormatException(Path file, long line, String problem, Throwable cause) {
        this(file, line, problem);
        initCause(cause);
    }

    public Path file() {
        return file;
    }

    /** 1-based line, or 0 when the problem is the file as a whole. */
    public long line() {
        return line;
    }
}
