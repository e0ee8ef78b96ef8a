package org.lorapipe.tuning.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.lorapipe.tuning.train.MemoryProbe;

/**
 * The plain-PyTorch LoRA step our trainer is measured against (the repository's
 * {@code bench/torch_reference.py}, or another script with the same options and JSON line), run as a child
 * process with the same thread count: {@code --threads N} and {@code OPENBLAS_NUM_THREADS=N}
 * (without the latter, OpenBLAS runs the script's matmuls on every core whatever torch is told). The
 * script prints one JSON line of figures, which {@link #run} returns.
 */
public final class TorchReference {

    /** How to get a Python with torch on this machine kind, for every message that needs it. */
    public static final String HOW_TO_INSTALL = "install PyTorch for the system Python (Debian: apt-get install -y"
            + " python3-torch libopenblas0-pthread; without libopenblas0-pthread its BLAS is ~40x slower), or"
            + " pass --python with a Python that has torch";

    /** Where the script lives in the repository, relative to the project root. */
    public static final String BUNDLED = "bench/torch_reference.py";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TIMEOUT_MINUTES = 60;

    private final Path python;
    private final Path script;
    private final int threads;

    public TorchReference(Path python, Path script, int threads) {
        this.python = python;
        this.script = script;
        this.threads = threads;
    }

    /**
     * The script: {@code explicit}, else {@code $LORA_TORCH_REFERENCE}, else the repository's
     * {@value #BUNDLED}, in the first folder that has it beside a {@code pom.xml}: {@code projectRoot}
     * or a folder above it, then the working directory or a folder above it. Null when none exists
     * (an explicit path or {@code $LORA_TORCH_REFERENCE} naming no file is not replaced by the default).
     */
    public static Path findScript(Path explicit, Path projectRoot) {
        if (explicit != null) {
            return Files.isRegularFile(explicit) ? explicit : null;
        }
        String env = System.getenv("LORA_TORCH_REFERENCE");
        if (env != null && !env.isBlank()) {
            return Files.isRegularFile(Path.of(env)) ? Path.of(env) : null;
        }
        List<Path> starts = new ArrayList<>();
        if (projectRoot != null) {
            starts.add(projectRoot.toAbsolutePath());
        }
        starts.add(Path.of("").toAbsolutePath());
        for (Path start : starts) {
            for (Path p = start; p != null; p = p.getParent()) {
                Path c = p.resolve(BUNDLED);
                if (Files.isRegularFile(c) && Files.isRegularFile(p.resolve("pom.xml"))) {
                    return c.normalize();
                }
            }
        }
        return null;
    }

    /** Null when {@code python} can import torch, else why not and how to fix it. */
    public String problem() {
        if (script == null) {
            return "the PyTorch reference script was not found: run from the project (it is " + BUNDLED
                    + " there), pass --reference FILE, or set LORA_TORCH_REFERENCE to an existing file";
        }
        if (!Files.isExecutable(python)) {
            return python + " does not exist: " + HOW_TO_INSTALL;
        }
        try {
            ChildProcess check =
                    ChildProcess.run(new ProcessBuilder(python.toString(), "-c", "import torch"), 1, p -> {});
            if (check.exitCode() != 0) {
                String last = check.lastLine().isEmpty() ? "no output" : check.lastLine();
                return python + " cannot import torch (" + last + "): " + HOW_TO_INSTALL;
            }
            return null;
        } catch (RuntimeException e) {
            return "cannot run " + python + " (" + e.getMessage() + "): " + HOW_TO_INSTALL;
        }
    }

    /**
     * The child's own peak RSS: VmHWM of /proc/PID/status, read every 20 ms until it exits. (The script's
     * own figure, getrusage's ru_maxrss, includes the JVM that spawned it: Linux keeps a process's
     * high-water mark across exec, and the child starts as a copy of this JVM.)
     */
    private static final class PeakWatcher extends Thread {
        private volatile long pid;
        private volatile long peak;

        PeakWatcher() {
            setDaemon(true);
        }

        void watch(long pid) {
            this.pid = pid;
            start();
        }

        @Override
        public void run() {
            while (!isInterrupted()) {
                long hwm = MemoryProbe.read(pid).peakRssBytes();
                if (hwm == 0) {
                    return; // exited
                }
                peak = Math.max(peak, hwm);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        long peakBytes() {
            return peak;
        }
    }

    /** Runs the script with {@code args} (plus {@code --threads}) and returns its JSON line. */
    public JsonNode run(List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(python.toString(), script.toString()));
        cmd.addAll(args);
        cmd.addAll(List.of("--threads", Integer.toString(threads)));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("OPENBLAS_NUM_THREADS", Integer.toString(threads));
        pb.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
        PeakWatcher peak = new PeakWatcher();
        ChildProcess child = ChildProcess.run(pb, TIMEOUT_MINUTES, p -> peak.watch(p.pid()));
        peak.interrupt();
        String last = child.lastLine();
        if (child.exitCode() != 0 || !last.startsWith("{")) {
            throw new IllegalStateException("the PyTorch reference failed (exit " + child.exitCode() + "): "
                    + String.join(" ", cmd) + "\n" + child.output());
        }
        try {
            ObjectNode figures = (ObjectNode) JSON.readTree(last);
            // the script's ru_maxrss also counts this JVM: exec keeps the spawning parent's high-water mark
            figures.put("peak_rss_mb", peak.peakBytes() / 1e6);
            return figures;
        } catch (IOException e) {
            throw new IllegalStateException("the PyTorch reference printed no JSON: " + last, e);
        }
    }
}
