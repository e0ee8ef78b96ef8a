package org.lorapipe.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;

/**
 * Downloads pinned test data files into a cache folder: each file streamed from its origin, checked
 * against its size and SHA-256 while it is written, and moved into place only when both match (a
 * partial or altered download never becomes a cache entry; concurrent fetchers write the same bytes).
 * Archive members ({@code tar:URL!member}) are taken from one streaming pass over the archive, which is
 * never stored.
 */
final class TestDataFetcher {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(10);
    private static final int TAR_BLOCK = 512;

    private final Path cache;
    private final HttpClient http;

    TestDataFetcher(Path cache) {
        this.cache = cache;
        this.http = HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    /** Fetches {@code missing} (downloadable entries the cache lacks) into the cache. */
    void fetch(List<TestDataLock.Entry> missing) throws IOException {
        for (TestDataLock.Entry e : missing) {
            if (!e.origin().startsWith("tar:")) {
                try (InputStream in = open(e.origin())) {
                    store(e, in, e.size());
                }
            }
        }
        Map<String, List<TestDataLock.Entry>> byArchive = missing.stream()
                .filter(e -> e.origin().startsWith("tar:"))
                .collect(Collectors.groupingBy(e -> archiveUrl(e.origin())));
        for (Map.Entry<String, List<TestDataLock.Entry>> a : byArchive.entrySet()) {
            Map<String, TestDataLock.Entry> members =
                    a.getValue().stream().collect(Collectors.toMap(e -> member(e.origin()), Function.identity()));
            extract(a.getKey(), members);
        }
    }

    static String archiveUrl(String origin) {
        return origin.substring("tar:".length(), origin.indexOf('!'));
    }

    static String member(String origin) {
        return origin.substring(origin.indexOf('!') + 1);
    }

    private InputStream open(String url) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(REQUEST_TIMEOUT)
                .GET()
                .build();
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                response.body().close();
                throw new IOException("HTTP " + response.statusCode() + " from " + url);
            }
            return response.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while downloading " + url, e);
        }
    }

    /** Walks a tar (optionally gzip) archive once, storing the wanted members. */
    private void extract(String url, Map<String, TestDataLock.Entry> members) throws IOException {
        try (InputStream raw = open(url);
                InputStream in = url.endsWith(".gz") || url.endsWith(".tgz") ? new GZIPInputStream(raw) : raw) {
            byte[] header = new byte[TAR_BLOCK];
            int found = 0;
            while (found < members.size() && in.readNBytes(header, 0, TAR_BLOCK) == TAR_BLOCK) {
                if (header[0] == 0) {
                    break; // end-of-archive blocks
                }
                String name = tarName(header);
                long size = octal(header, 124, 12);
                long padded = Math.addExact(size, (TAR_BLOCK - size % TAR_BLOCK) % TAR_BLOCK);
                TestDataLock.Entry e = members.get(name);
                if (e != null && header[156] != '5') {
                    store(e, new BoundedStream(in, size), size);
                    in.skipNBytes(padded - size);
                    found++;
                } else {
                    in.skipNBytes(padded);
                }
            }
            if (found < members.size()) {
                throw new IOException(url + " lacks " + (members.size() - found) + " of the pinned members, e.g. "
                        + members.keySet().iterator().next());
            }
        }
    }

    private void store(TestDataLock.Entry e, InputStream in, long available) throws IOException {
        if (available != e.size()) {
            throw new IOException(e.path() + ": the origin has " + available + " bytes, the lock pins " + e.size());
        }
        Path target = cache.resolve(e.path());
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".part");
        try {
            MessageDigest sha = sha256();
            long written = 0;
            try (OutputStream out = Files.newOutputStream(tmp)) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) {
                    written += n;
                    if (written > e.size()) {
                        throw new IOException(e.path() + ": the origin sent more than the pinned " + e.size()
                                + " bytes (" + e.origin() + ")");
                    }
                    sha.update(buf, 0, n);
                    out.write(buf, 0, n);
                }
            }
            String actual = HexFormat.of().formatHex(sha.digest());
            if (written != e.size() || !actual.equals(e.sha256())) {
                throw new IOException(e.path() + " from " + e.origin() + " is not the pinned file: " + written
                        + " bytes, SHA-256 " + actual + "; " + TestDataLock.FILE + " pins " + e.size() + " bytes, "
                        + e.sha256());
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    /** ustar name: prefix (345..500) + "/" + name (0..100), each NUL-terminated. */
    private static String tarName(byte[] h) {
        String name = cString(h, 0, 100);
        String prefix = cString(h, 345, 155);
        String full = prefix.isEmpty() ? name : prefix + "/" + name;
        return full.startsWith("./") ? full.substring(2) : full;
    }

    private static String cString(byte[] h, int off, int len) {
        int end = off;
        while (end < off + len && h[end] != 0) {
            end++;
        }
        return new String(h, off, end - off, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] h, int off, int len) throws IOException {
        long v = 0;
        for (int i = off; i < off + len && h[i] != 0 && h[i] != ' '; i++) {
            if (h[i] < '0' || h[i] > '7') {
                throw new IOException("corrupt tar header (size field)");
            }
            v = Math.addExact(Math.multiplyExact(v, 8), h[i] - '0');
        }
        return v;
    }

    /** At most {@code limit} bytes of {@code in}, leaving the rest unread. */
    private static final class BoundedStream extends InputStream {
        private final InputStream in;
        private long left;

        BoundedStream(InputStream in, long limit) {
            this.in = in;
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }
    }
}
