package org.lorapipe.dataset.domain;

import java.nio.file.Files;
import java.nio.file.Path;

/** The project's shared data folder ({@code ../shared/data} beside the checkout). */
final class SharedData {
    private SharedData() {}

    static Path dir() {
        Path root = Path.of(System.getProperty("lora.project.root", ".")).toAbsolutePath();
        for (Path p = root; p != null; p = p.getParent()) {
            Path candidate = p.resolveSibling("shared").resolve("data");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("../shared/data not found above " + root);
    }

    static Path file(String relative) {
        return dir().resolve(relative);
    }
}
