package org.lorapipe.testkit;

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
 * {@value #FILE} at the repository root: every file of the test data, pinned by SHA-256 and size, with
 * the public origin it is downloaded from when no local copy exists. One line per file, four fields
 * separated by two spaces:
 *
 * <pre>
 *   sha256  size  path  origin
 *   origin = https://...                     the file itself
 *          | tar:https://...!member/path     a member of a public .tar / .tar.gz archive
 *          | none:how it is produced         no public copy
 * </pre>
 *
 * Plain {@code http://} is accepted only for a mirror on this machine ({@code http://127.0.0.1:} or
 * {@code http://localhost:}); anything else must come over TLS.
 */
public record TestDataLock(Map<String, Entry> entries) {

    public static final String FILE = "test-data.lock";

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern SAFE_PATH = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");

    /** One pinned file. */
    public record Entry(String sha256, long size, String path, String origin) {

        public boolean downloadable() {
            String url = origin.startsWith("tar:") ? origin.substring("tar:".length()) : origin;
            return isUrl(url);
        }
    }

    public TestDataLock {
        entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    public static TestDataLock read(Path file) {
        try {
            return parse(Files.readAllLines(file), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parses the lock; every malformed line is reported at once. */
    public static TestDataLock parse(List<String> lines, String source) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(" {2}", 4);
            String where = source + ":" + (i + 1) + ": ";
            if (f.length != 4) {
                problems.add(where + "expected 'sha256  size  path  origin' (two spaces apart), got: " + line);
                continue;
            }
            if (!SHA256.matcher(f[0]).matches()) {
                problems.add(where + "not a lower-case SHA-256: " + f[0]);
            }
            long size = -1;
            try {
                size = Long.parseLong(f[1]);
            } catch (NumberFormatException e) {
                problems.add(where + "size is not a number: " + f[1]);
            }
            if (!SAFE_PATH.matcher(f[2]).matches() || f[2].contains("..")) {
                problems.add(where + "path must be relative, with letters, digits, '.', '_', '-' and '/': " + f[2]);
            }
            String url = f[3].startsWith("tar:") ? f[3].substring("tar:".length()) : f[3];
            if (!(isUrl(url) || f[3].startsWith("none:")) || (f[3].startsWith("tar:") && !f[3].contains("!"))) {
                problems.add(where + "origin must be https://..., tar:https://...!member or none:..., got: " + f[3]);
            }
            if (entries.put(f[2], new Entry(f[0], size, f[2], f[3])) != null) {
                problems.add(where + "path listed twice: " + f[2]);
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("invalid " + source + ":\n  " + String.join("\n  ", problems));
        }
        return new TestDataLock(entries);
    }

    static boolean isUrl(String s) {
        return s.startsWith("https://") || s.startsWith("http://127.0.0.1:") || s.startsWith("http://localhost:");
    }

    /** The entries at or under {@code relative} (a file or a folder). */
    public List<Entry> under(String relative) {
        String prefix = relative.endsWith("/") ? relative : relative + "/";
        return entries.values().stream()
                .filter(e -> e.path().equals(relative) || e.path().startsWith(prefix))
                .toList();
    }
}
