package org.lorapipe.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The native memory policy of every process that runs PyTorch: the environment variables of the
 * project's {@value #FILE} (glibc malloc tuning, or an allocator to preload), decided once by measurement
 * (README, "Native memory"). PyTorch's tensors live in native memory, and how the C allocator hands
 * freed tensor buffers back to the OS decides both training speed (a buffer given back is page-faulted in
 * again next step) and how far RSS grows across jobs.
 *
 * <p>{@code ./lora} sources the same file; {@code lora stack}, tests and benchmarks that start service
 * processes put it into their environment with {@link #applyTo}; the Maven build reads it for the test
 * JVMs. The Dockerfiles, docker-compose and Kubernetes carry the same values, kept equal by a test.
 *
 * <p>Format: {@code NAME=value} lines, {@code #} comments; a value is a plain word (no quotes, no
 * spaces), so the file is at once a shell script, a Java properties file and a docker-compose env file.
 */
public final class NativeMemoryPolicy {

    /** The policy file at the project root. */
    public static final String FILE = "native-memory.env";

    /** Every variable the policy may set; {@link #applyTo} clears those it does not set. */
    public static final List<String> VARIABLES = List.of(
            "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_", "MALLOC_ARENA_MAX", "LD_PRELOAD");

    private static final Pattern LINE = Pattern.compile("[A-Z_][A-Z0-9_]*=[A-Za-z0-9_./:-]*");

    private final Map<String, String> variables;

    private NativeMemoryPolicy(Map<String, String> variables) {
        this.variables = Collections.unmodifiableMap(variables);
    }

    /** Reads {@value #FILE} from {@code projectRoot}; every malformed line is named in one error. */
    public static NativeMemoryPolicy load(Path projectRoot) {
        Path file = projectRoot.resolve(FILE);
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the native memory policy " + file, e);
        }
        return parse(lines, file.toString());
    }

    /**
     * The policy of this checkout: {@value #FILE} in the folder named by the system property
     * {@code lora.project.root}, else in the working directory or the nearest folder above it that has one.
     */
    public static NativeMemoryPolicy ofProject() {
        String root = System.getProperty("lora.project.root");
        if (root != null) {
            return load(Path.of(root));
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve(FILE))) {
                return load(p);
            }
        }
        throw new IllegalStateException(FILE + " not found above " + Path.of("").toAbsolutePath()
                + ": run from the project checkout or set -Dlora.project.root");
    }

    static NativeMemoryPolicy parse(List<String> lines, String source) {
        Map<String, String> vars = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            String name = eq < 0 ? line : line.substring(0, eq);
            if (!LINE.matcher(line).matches()) {
                problems.add("line " + (i + 1) + ": expected NAME=value with a plain value, got '" + line + "'");
            } else if (!VARIABLES.contains(name)) {
                problems.add("line " + (i + 1) + ": " + name + " is not one of " + VARIABLES);
            } else {
                vars.put(name, line.substring(eq + 1));
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(source + ": " + String.join("; ", problems));
        }
        return new NativeMemoryPolicy(vars);
    }

    /** The variables as written in the file. */
    public Map<String, String> variables() {
        return variables;
    }

    /**
     * Puts the policy into a child process's environment: the file's variables set, the other policy
     * variables removed (so an inherited setting cannot mix with it). A preloaded library that is not
     * installed on this machine is left out, as the dynamic loader would otherwise warn on every start.
     */
    public void applyTo(Map<String, String> env) {
        VARIABLES.forEach(env::remove);
        variables.forEach((k, v) -> {
            if (!k.equals("LD_PRELOAD") || Files.isRegularFile(Path.of(v))) {
                env.put(k, v);
            }
        });
    }
}
