package org.lorapipe.tuning.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The plain-PyTorch LoRA step our trainer is measured against ({@code shared/bench/torch_lora_ref.py}),
 * run as a child process with the same thread count: {@code --threads N} and {@code OPENBLAS_NUM_THREADS=N}
 * (without the latter, OpenBLAS runs the script's matmuls on every core whatever torch is told). The
 * script prints one JSON line of figures, which {@link #run} returns.
 */
public final class TorchReference {

    /** How to get a Python with torch on this machine kind, for every message that needs it. */
    public static final String HOW_TO_INSTALL = "install PyTorch for the system Python (Debian: apt-get install -y"
            + " python3-torch libopenblas0-pthread; without libopenblas0-pthread its BLAS is ~40x slower), or"
            + " pass --python with a Python that has torch";

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
     * The script: {@code explicit}, else {@code $LORA_TORCH_REFERENCE}, else
     * {@code shared/bench/torch_lora_ref.py} beside the project root or any folder above the working
     * directory; null when none exists.
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
                Path c = p.resolve("shared/bench/torch_lora_ref.py");
                if (Files.isRegularFile(c)) {
                    return c.normalize();
                }
            }
        }
        return null;
    }

    /** Null when {@code python} can import torch, else why not and how to fix it. */
    public String problem() {
        if (script == null) {
            return "the PyTorch reference script torch_lora_ref.py was not found: pass --reference FILE or set"
                    + " LORA_TORCH_REFERENCE";
        }
        if (!Files.isExecutable(python)) {
            return python + " does not exist: " + HOW_TO_INSTALL;
        }
        try {
            Process p = new ProcessBuilder(python.toString(), "-c", "import torch")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                String last = out.strip().lines().reduce((a, b) -> b).orElse("no output");
                return python + " cannot import torch (" + last + "): " + HOW_TO_INSTALL;
            }
            return null;
        } catch (IOException e) {
            return "cannot run " + python + " (" + e.getMessage() + "): " + HOW_TO_INSTALL;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /**
     * The child's own peak RSS: VmHWM of /proc/PID/status, read every 20 ms until it exits. (The script's
     * own figure, getrusage's ru_maxrss, includes the JVM that spawned it: Linux keeps a process's
     * high-water mark across exec, and the child starts as a copy of this JVM.)
     */
    private static final class PeakWatcher extends Thread {
        private final Path status;
        private volatile long peak;

        PeakWatcher(long pid) {
            this.status = Path.of("/proc", Long.toString(pid), "status");
            setDaemon(true);
        }

        @Override
        public void run() {
            while (!isInterrupted()) {
                try {
                    for (String line : Files.readAllLines(status)) {
                        if (line.startsWith("VmHWM:")) {
                            peak = Math.max(peak, Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024);
                        }
                    }
                    Thread.sleep(20);
                } catch (IOException | RuntimeException e) {
                    return; // exited
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
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("OPENBLAS_NUM_THREADS", Integer.toString(threads));
        pb.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
        try {
            Process p = pb.start();
            PeakWatcher peak = new PeakWatcher(p.pid());
            peak.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            boolean done = p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES);
            peak.interrupt();
            if (!done) {
                p.destroyForcibly();
                throw new IllegalStateException("the PyTorch reference ran over " + TIMEOUT_MINUTES + " minutes");
            }
            String last = out.strip().lines().reduce((a, b) -> b).orElse("");
            if (p.exitValue() != 0 || !last.startsWith("{")) {
                throw new IllegalStateException("the PyTorch reference failed (exit " + p.exitValue() + "): "
                        + String.join(" ", cmd) + "\n" + out);
            }
            ObjectNode figures = (ObjectNode) JSON.readTree(last);
            // the script's ru_maxrss also counts this JVM: exec keeps the spawning parent's high-water mark
            figures.put("peak_rss_mb", peak.peakBytes() / 1e6);
            return figures;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run the PyTorch reference: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
