package org.lorapipe.service.auth;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The static bearer keys of {@code lora.auth.keys} and {@code lora.auth.keys-file}, read once at start.
 * A presented key is compared with every configured key (digests, {@link java.security.MessageDigest#isEqual})
 * without stopping at the first match, so the time taken tells nothing about which key is close.
 */
@ApplicationScoped
public class StaticKeys {
    private static final int MIN_KEY_LENGTH = 16;

    private final List<ApiKey> keys;

    public StaticKeys(AuthConfig config) {
        this.keys = config.mode() == AuthConfig.Mode.STATIC ? load(config) : List.of();
    }

    /** How many keys are configured. */
    public int size() {
        return keys.size();
    }

    /** The key {@code presented} is, if any. */
    Optional<ApiKey> find(String presented) {
        byte[] digest = ApiKey.sha256(presented);
        ApiKey found = null;
        for (ApiKey k : keys) {
            if (k.matches(digest) && found == null) {
                found = k;
            }
        }
        return Optional.ofNullable(found);
    }

    /** Every entry of both settings; all problems are collected and reported at once, never a key. */
    static List<ApiKey> load(AuthConfig config) {
        List<String> entries = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        config.keys().ifPresent(s -> entries.addAll(List.of(s.split("[,\\n]"))));
        config.keysFile().ifPresent(f -> {
            try {
                entries.addAll(Files.readAllLines(f));
            } catch (IOException e) {
                problems.add("lora.auth.keys-file " + f + " cannot be read (" + e.getMessage() + ")");
            }
        });
        List<ApiKey> keys = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        int n = 0;
        for (String raw : entries) {
            String entry = raw.strip();
            if (entry.isEmpty() || entry.startsWith("#")) {
                continue;
            }
            n++;
            String[] parts = entry.split(":", -1);
            if (parts.length < 2 || parts.length > 3 || parts[0].isBlank()) {
                problems.add("static key entry " + n + " is not name:key[:role+role]");
                continue;
            }
            String name = parts[0].strip();
            String key = parts[1].strip();
            if (key.length() < MIN_KEY_LENGTH) {
                problems.add("the key of '" + name + "' is shorter than " + MIN_KEY_LENGTH
                        + " characters (generate one with `openssl rand -hex 32`)");
                continue;
            }
            Set<String> roles = new LinkedHashSet<>();
            if (parts.length == 3 && !parts[2].isBlank()) {
                for (String role : parts[2].split("\\+")) {
                    String r = role.strip();
                    if (!r.equals(AuthConfig.SUBMIT) && !r.equals(AuthConfig.ADMIN)) {
                        problems.add("'" + name + "' has the unknown role '" + r + "' (roles: submit, admin)");
                    }
                    roles.add(r);
                }
            } else {
                roles.add(AuthConfig.SUBMIT);
            }
            if (!names.add(name)) {
                problems.add("the name '" + name + "' has more than one key: give each key its own name");
            }
            keys.add(new ApiKey(name, Set.copyOf(roles), ApiKey.sha256(key)));
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("lora.auth static keys: " + String.join("; ", problems));
        }
        return List.copyOf(keys);
    }
}
