package org.lorapipe.console.storage;

import jakarta.enterprise.context.ApplicationScoped;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.lorapipe.console.config.ConsoleConfig;

/**
 * Download links that work without a bearer token (a browser follows a plain link, or shows an
 * {@code <img>}, without one): {@code /download/{key}?expires=E&sig=S}, S the HMAC-SHA256 of the key and
 * E. The console makes them only for files of a published folder the caller may see; a link expires
 * after {@code lora.console.link-ttl}.
 */
@ApplicationScoped
public class DownloadLinks {
    private final byte[] secret;
    private final long ttlSeconds;
    private final Clock clock;

    @jakarta.inject.Inject
    public DownloadLinks(ConsoleConfig config) {
        this(
                config.linkSecret()
                        .filter(s -> !s.isBlank())
                        .map(s -> s.getBytes(StandardCharsets.UTF_8))
                        .orElseGet(DownloadLinks::randomKey),
                config.linkTtl().toSeconds(),
                Clock.systemUTC());
    }

    public DownloadLinks(byte[] secret, long ttlSeconds, Clock clock) {
        this.secret = secret.clone();
        this.ttlSeconds = ttlSeconds;
        this.clock = clock;
    }

    private static byte[] randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    /** A link to the bucket key {@code key}. */
    public String link(String key) {
        long expires = clock.instant().getEpochSecond() + ttlSeconds;
        return "/download/" + encodePath(key) + "?expires=" + expires + "&sig=" + sign(key, expires);
    }

    /** True when {@code sig} was made by {@link #link} for {@code key} and has not expired. */
    public boolean valid(String key, long expires, String sig) {
        if (sig == null || expires < clock.instant().getEpochSecond()) {
            return false;
        }
        return MessageDigest.isEqual(
                sign(key, expires).getBytes(StandardCharsets.US_ASCII), sig.getBytes(StandardCharsets.US_ASCII));
    }

    private String sign(String key, long expires) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            byte[] h = mac.doFinal((key + "\n" + expires).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(h);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encodePath(String key) {
        StringBuilder sb = new StringBuilder();
        for (String segment : key.split("/", -1)) {
            if (sb.length() > 0) {
                sb.append('/');
            }
            sb.append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return sb.toString();
    }
}
