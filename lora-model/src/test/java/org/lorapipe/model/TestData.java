package org.lorapipe.model;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates ../shared/data relative to the project root (never copied into the repository). */
public final class TestData {

    private TestData() {}

    public static Path dir() {
        String root = System.getProperty("lora.project.root");
        if (root != null) {
            Path p = Path.of(root).toAbsolutePath().normalize();
            Path d = p.resolve("../shared/data").normalize();
            if (Files.isDirectory(d)) {
                return d;
            }
        }
        for (Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) {
            for (Path d : new Path[] {p.resolve("../shared/data").normalize(), p.resolve("shared/data")}) {
                if (Files.isDirectory(d)) {
                    return d;
                }
            }
        }
        throw new IllegalStateException("cannot find shared/data next to the project root");
    }

    public static Path stories() {
        return dir().resolve("models/stories260K");
    }

    public static Path storiesBin() {
        return stories().resolve("stories260K.bin");
    }

    public static Path tok512() {
        return stories().resolve("tok512.bin");
    }
}
