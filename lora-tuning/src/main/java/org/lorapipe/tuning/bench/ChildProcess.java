package org.lorapipe.tuning.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** A benchmark's child process run to its end: its exit code and everything it printed. */
record ChildProcess(int exitCode, String output) {

    /**
     * Starts {@code pb} with stderr merged into stdout, hands the process to {@code started} (to watch
     * it while it runs), reads its output and waits at most {@code timeoutMinutes}.
     */
    static ChildProcess run(ProcessBuilder pb, long timeoutMinutes, Consumer<Process> started) {
        try {
            Process p = pb.redirectErrorStream(true).start();
            started.accept(p);
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException(
                        String.join(" ", pb.command()) + " ran over " + timeoutMinutes + " minutes");
            }
            return new ChildProcess(p.exitValue(), out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + pb.command().get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The last line printed (a child's result line), or "" when it printed nothing. */
    String lastLine() {
        return output.strip().lines().reduce((a, b) -> b).orElse("");
    }
}
