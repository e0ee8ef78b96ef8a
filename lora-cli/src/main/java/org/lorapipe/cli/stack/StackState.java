package org.lorapipe.cli.stack;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.lorapipe.contract.json.Json;

/**
 * The processes {@code lora stack up} started, kept in {@code <dir>/stack.json} so that {@code down}
 * and {@code status} (later, from another JVM) know what to stop and check. Written atomically.
 */
public final class StackState {
    private final Path file;
    private final List<StackComponent> components = new ArrayList<>();

    private StackState(Path file) {
        this.file = file;
    }

    public static StackState load(Path dir) {
        StackState state = new StackState(dir.resolve("stack.json"));
        if (Files.exists(state.file)) {
            try {
                state.components.addAll(
                        Json.mapper().readValue(state.file.toFile(), new TypeReference<List<StackComponent>>() {}));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + state.file + " (delete it if the stack is down)", e);
            }
        }
        return state;
    }

    public List<StackComponent> components() {
        return List.copyOf(components);
    }

    public void add(StackComponent component) {
        components.removeIf(c -> c.name().equals(component.name()));
        components.add(component);
        save();
    }

    public void remove(String name) {
        components.removeIf(c -> c.name().equals(name));
        save();
    }

    private void save() {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling("stack.json.tmp");
            Files.writeString(tmp, Json.writePretty(components));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
