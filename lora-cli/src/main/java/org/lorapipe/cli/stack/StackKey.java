package org.lorapipe.cli.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * The embedded stack's API key: 32 random bytes (hex) made at the first {@code lora stack up} and kept in
 * {@code <stack dir>/api-key}, readable by its owner only. The services get it as their one static key
 * (principal {@value #PRINCIPAL}, roles submit and admin) through their environment, which only the same
 * user can read; the command line sends it where it calls the API ({@code lora stack status}), and a
 * person can too: {@code curl -H "Authorization: Bearer $(cat .lora/api-key)" ...}.
 */
public final class StackKey {
    public static final String FILE = "api-key";
    /** The principal the stack's key authenticates as. */
    public static final String PRINCIPAL = "stack";

    private static final int BYTES = 32;

    private StackKey() {}

    public static Path file(Path stackDir) {
        return stackDir.resolve(FILE);
    }

    /** The key of the stack in {@code stackDir}, made (owner-only) when there is none yet. */
    public static String ensure(Path stackDir) {
        return read(stackDir).orElseGet(() -> create(stackDir));
    }

    /** The key, when the stack has one. */
    public static Optional<String> read(Path stackDir) {
        Path file = file(stackDir);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            String key = Files.readString(file, StandardCharsets.UTF_8).strip();
            return key.isEmpty() ? Optional.empty() : Optional.of(key);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the stack's API key " + file, e);
        }
    }

    /** The services' authentication settings: static mode with this one key. */
    static void applyTo(Map<String, String> env, String key) {
        env.put("LORA_AUTH_MODE", "static");
        env.put("LORA_AUTH_KEYS", PRINCIPAL + ":" + key + ":submit+admin");
    }

    private static String create(Path stackDir) {
        byte[] random = new byte[BYTES];
        new SecureRandom().nextBytes(random);
        String key = HexFormat.of().formatHex(random);
        Path file = file(stackDir);
        try {
            Files.createDirectories(stackDir);
            Path tmp = file.resolveSibling(FILE + ".tmp");
            Files.deleteIfExists(tmp);
            try {
                Files.createFile(
                        tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(tmp);
            }
            Files.writeString(tmp, key + "\n", StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException raced) {
                Files.deleteIfExists(tmp);
                return read(stackDir).orElseThrow();
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the stack's API key " + file, e);
        }
    }
}
