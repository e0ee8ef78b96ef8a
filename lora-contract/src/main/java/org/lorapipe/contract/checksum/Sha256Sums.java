package org.lorapipe.contract.checksum;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.lorapipe.contract.event.ModelFile;

/**
 * The {@code SHA256SUMS} file of a merged model, in {@code sha256sum} format: one line
 * {@code <64 hex>  <path>} per file (two spaces; {@code sha256sum -c SHA256SUMS} checks it), sorted by
 * path, the sums file itself excluded.
 */
public final class Sha256Sums {

    public static final String FILE_NAME = "SHA256SUMS";

    private Sha256Sums() {}

    /**
     * Hashes every regular file directly in {@code dir} (sorted by name), writes {@code SHA256SUMS} and
     * returns all files including {@code SHA256SUMS} itself.
     */
    public static List<ModelFile> write(Path dir) throws IOException {
        List<ModelFile> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                String name = p.getFileName().toString();
                if (!name.equals(FILE_NAME)) {
                    files.add(new ModelFile(name, Files.size(p), sha256(p)));
                }
            }
        }
        StringBuilder sb = new StringBuilder();
        files.forEach(f -> sb.append(f.sha256()).append("  ").append(f.path()).append('\n'));
        Path sums = dir.resolve(FILE_NAME);
        Files.writeString(sums, sb.toString(), StandardCharsets.UTF_8);
        files.add(new ModelFile(FILE_NAME, Files.size(sums), sha256(sums)));
        return List.copyOf(files);
    }

    /** Parses {@code SHA256SUMS}: path -> lowercase hex, in file order ({@code *path} binary markers accepted). */
    static Map<String, String> read(Path sums) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(sums, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            int sp = line.indexOf(' ');
            if (sp != 64
                    || line.length() < 67
                    || !line.substring(0, 64).matches("[0-9a-fA-F]{64}")
                    || (line.charAt(65) != ' ' && line.charAt(65) != '*')) {
                throw new IOException(sums + " line " + (i + 1) + " is not '<64 hex digits>  <path>': " + line);
            }
            out.put(line.substring(66), line.substring(0, 64).toLowerCase());
        }
        return out;
    }

    public static String sha256(Path file) throws IOException {
        MessageDigest md = newDigest();
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
