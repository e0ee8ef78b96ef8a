package org.lorapipe.devstack;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One infrastructure server running as a separate {@code java} process: how it is launched, how
 * its output reaches its log file, and how it is stopped.
 *
 * <p>Separate processes (not threads in the test JVM) because the broker needs its own classpath
 * (see {@link InfraJars}), because a test that kills "the server" must not kill itself, and because
 * {@code lora stack up} must leave the servers running after the CLI exits.
 *
 * <p>Attached servers get a JVM shutdown hook, so a failing or interrupted test run never leaves a
 * broker behind. Detached servers get no hook, their stdin comes from {@code /dev/null}, their
 * output goes only to the log file, and they run under {@code setsid} (when available) so the
 * terminal's Ctrl-C to the launching CLI does not reach them.
 */
final class ServerProcess {

    private static final Duration STOP_GRACE = Duration.ofSeconds(20);
    private static final Path SETSID = Path.of("/usr/bin/setsid");

    private final String name;
    private final Process process;
    private final Path logFile;
    private final Thread shutdownHook;

    private ServerProcess(String name, Process process, Path logFile, boolean detached) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
        if (detached) {
            this.shutdownHook = null;
        } else {
            this.shutdownHook = new Thread(this::stop, "stop-" + name + "-" + process.pid());
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
    }

    /** The {@code java} of the running JVM, so children use the same, known-good JDK. */
    static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * Starts {@code java <args>} with stdout and stderr appended to {@code logFile}.
     *
     * @param name short name for messages and thread names, e.g. "kafka"
     */
    static ServerProcess launch(String name, List<String> javaArgs, Path workDir, Path logFile, boolean detached) {
        List<String> command = new ArrayList<>();
        if (detached && Files.isExecutable(SETSID)) {
            command.add(SETSID.toString());
        }
        command.add(javaExecutable());
        command.addAll(ChildJvm.options());
        command.addAll(javaArgs);
        try {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectErrorStream(true);
            return new ServerProcess(name, builder.start(), logFile, detached);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + " (" + String.join(" ", command) + ")", e);
        }
    }

    /**
     * Runs a short-lived java tool to completion (e.g. the storage formatter), output appended to
     * {@code logFile}; fails with the tail of the log when it exits non-zero.
     */
    static void runTool(String name, List<String> javaArgs, Path workDir, Path logFile, Duration timeout) {
        ServerProcess tool = launch(name, javaArgs, workDir, logFile, false);
        try {
            if (!tool.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                tool.stop();
                throw new IllegalStateException(name + " did not finish within " + timeout + "; log " + logFile
                        + " ends with:\n" + tail(logFile, 30));
            }
            if (tool.process.exitValue() != 0) {
                throw new IllegalStateException(name + " failed with exit code " + tool.process.exitValue() + "; log "
                        + logFile + " ends with:\n" + tail(logFile, 30));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            tool.stop();
            throw new IllegalStateException("interrupted while running " + name, e);
        } finally {
            tool.removeHook();
        }
    }

    /** A readiness check: true when the server answers; exceptions count as "not yet". */
    @FunctionalInterface
    interface Probe {
        boolean ready() throws Exception;
    }

    /**
     * Polls {@code probe} until it answers true. Fails at once if the process dies, and after
     * {@code timeout} otherwise (stopping the process); both failures carry the tail of the log.
     *
     * @return how long the server took to become ready
     */
    Duration awaitReady(Duration timeout, Probe probe) {
        long startNanos = System.nanoTime();
        long deadline = startNanos + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " " + exitDescription() + " during startup; log " + logFile
                        + " ends with:\n" + tail(logFile, 40));
            }
            try {
                if (probe.ready()) {
                    return Duration.ofNanos(System.nanoTime() - startNanos);
                }
            } catch (Exception e) {
                last = e;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop();
                throw new IllegalStateException("interrupted while waiting for " + name, e);
            }
        }
        stop();
        IllegalStateException failure = new IllegalStateException(name + " did not become ready within " + timeout
                + " (stopped it); log " + logFile + " ends with:\n" + tail(logFile, 40));
        if (last != null) {
            failure.addSuppressed(last);
        }
        throw failure;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    Path logFile() {
        return logFile;
    }

    /** Exit code if the process has ended, for "died during startup" messages. */
    String exitDescription() {
        return process.isAlive() ? "still running" : "exited with code " + process.exitValue();
    }

    /**
     * SIGTERM, wait up to 20 s for a clean shutdown, then SIGKILL. Idempotent; safe to call from a
     * shutdown hook.
     */
    void stop() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        removeHook();
    }

    private void removeHook() {
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting: the hook runs (or ran) anyway
            }
        }
    }

    /** The last {@code lines} lines of a log file, for error messages. */
    static String tail(Path logFile, int lines) {
        if (!Files.isRegularFile(logFile)) {
            return "(no log file " + logFile + ")";
        }
        try (RandomAccessFile file = new RandomAccessFile(logFile.toFile(), "r")) {
            long length = file.length();
            int window = (int) Math.min(length, 64 * 1024);
            byte[] bytes = new byte[window];
            file.seek(length - window);
            file.readFully(bytes);
            String[] all = new String(bytes, StandardCharsets.UTF_8).split("\n");
            int from = Math.max(0, all.length - lines);
            return String.join("\n", List.of(all).subList(from, all.length));
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e.getMessage() + ")";
        }
    }

    @Override
    public String toString() {
        return name + "[pid " + process.pid() + ", log " + logFile + "]";
    }
}
