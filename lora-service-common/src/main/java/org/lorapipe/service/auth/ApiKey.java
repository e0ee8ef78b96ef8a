package org.lorapipe.service.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Set;

/**
 * One static bearer key: the principal it authenticates as, its roles, and the SHA-256 of the key (the
 * key itself is not kept, so it cannot end up in a log or a heap dump's string table by way of this).
 */
record ApiKey(String name, Set<String> roles, byte[] digest) {

    /** Whether {@code presented} is this key; takes the same time whatever it is (both sides are hashed). */
    boolean matches(byte[] presentedDigest) {
        return MessageDigest.isEqual(digest, presentedDigest);
    }

    @Override
    public String toString() {
        return "ApiKey[" + name + " " + roles + "]"; // never the key
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
