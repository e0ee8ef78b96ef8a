package org.lorapipe.contract.checksum;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.lorapipe.contract.event.ModelFile;

/**
 * Checks a downloaded model folder against its {@code SHA256SUMS} (what {@code lora pull} runs after
 * downloading): every listed file must exist with the listed SHA-256. All problems are reported at
 * once, each naming the file.
 */
public final class ChecksumVerifier {

    private ChecksumVerifier() {}

    /** A file differs from, or is missing against, {@code SHA256SUMS}. */
    public static final class ChecksumException extends IOException {
        private final List<String> problems;

        ChecksumException(Path dir, List<String> problems) {
            super(dir + " does not match its " + Sha256Sums.FILE_NAME + ": " + String.join("; ", problems)
                    + " (download the model again)");
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    /**
     * Verifies every line of {@code dir/SHA256SUMS}; returns the verified files (path, bytes, sha256).
     *
     * @throws ChecksumException naming each file that is missing or differs (or a missing/malformed sums file)
     */
    public static List<ModelFile> verify(Path dir) throws IOException {
        Path sums = dir.resolve(Sha256Sums.FILE_NAME);
        if (!Files.isRegularFile(sums)) {
            throw new ChecksumException(dir, List.of(Sha256Sums.FILE_NAME + " is missing"));
        }
        Map<String, String> expected;
        try {
            expected = Sha256Sums.read(sums);
        } catch (IOException e) {
            throw new ChecksumException(dir, List.of(e.getMessage()));
        }
        if (expected.isEmpty()) {
            throw new ChecksumException(dir, List.of(Sha256Sums.FILE_NAME + " lists no files"));
        }
        List<String> problems = new ArrayList<>();
        List<ModelFile> ok = new ArrayList<>();
        Path root = dir.toAbsolutePath().normalize();
        for (Map.Entry<String, String> e : expected.entrySet()) {
            Path file = root.resolve(e.getKey()).normalize();
            if (!file.startsWith(root) || file.equals(root)) {
                problems.add(e.getKey() + ": path points outside the folder");
            } else if (!Files.isRegularFile(file)) {
                problems.add(e.getKey() + " is missing");
            } else {
                String actual = Sha256Sums.sha256(file);
                if (!actual.equals(e.getValue())) {
                    problems.add(e.getKey() + " differs: sha256 " + actual + ", " + Sha256Sums.FILE_NAME + " lists "
                            + e.getValue());
                } else {
                    ok.add(new ModelFile(e.getKey(), Files.size(file), actual));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ChecksumException(dir, problems);
        }
        return List.copyOf(ok);
    }
}
