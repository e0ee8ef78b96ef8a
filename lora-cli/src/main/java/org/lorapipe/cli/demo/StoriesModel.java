package org.lorapipe.cli.demo;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import org.lorapipe.cli.UsageProblem;

/**
 * Finds stories260K's two llama2.c files: in {@code --stories DIR}, in $LORA_STORIES_DIR, in the
 * project's {@code ../shared/data/models/stories260K}, in the download cache, or, where the network
 * allows, downloads them from their public origin (Karpathy's tinyllamas on the Hugging Face hub),
 * verifying their SHA-256. Offline with none of these, it says exactly what to provide.
 */
public final class StoriesModel {
    public static final String MODEL = "stories260K.bin";
    public static final String TOKENIZER = "tok512.bin";
    static final Map<String, String> SHA256 = Map.of(
            MODEL, "b0a507e7ad0f626624f17112325e66691f9076d622e1d3274d103d00299f2696",
            TOKENIZER, "037cb335abb25d1fa9e8ecae30ed2a3a8ace9302862ebcdc05d51a6bbb10c312");
    static final String ORIGIN = "https://huggingface.co/karpathy/tinyllamas/resolve/main/stories260K/";

    private StoriesModel() {}

    public static Path locate(Path explicit, Path projectRoot, Path cache) {
        if (explicit != null) {
            return require(explicit, "--stories");
        }
        String env = System.getenv("LORA_STORIES_DIR");
        if (env != null && !env.isBlank()) {
            return require(Path.of(env), "LORA_STORIES_DIR");
        }
        Path shared = projectRoot.resolveSibling("shared").resolve("data/models/stories260K");
        if (complete(shared)) {
            return shared;
        }
        if (complete(cache)) {
            return cache;
        }
        try {
            download(cache);
            return cache;
        } catch (IOException | InterruptedException e) {
            throw new UsageProblem("stories260K is not here and could not be downloaded (" + e.getMessage() + ")."
                    + " Provide stories260K.bin and tok512.bin (folder stories260K of the karpathy/tinyllamas"
                    + " model repository on the Hugging Face hub) in a folder and pass --stories DIR or set"
                    + " LORA_STORIES_DIR.");
        }
    }

    private static Path require(Path dir, String from) {
        if (!complete(dir)) {
            throw new UsageProblem(from + " " + dir + " must hold " + MODEL + " and " + TOKENIZER);
        }
        return dir;
    }

    static boolean complete(Path dir) {
        return Files.isRegularFile(dir.resolve(MODEL)) && Files.isRegularFile(dir.resolve(TOKENIZER));
    }

    private static void download(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        HttpClient http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        for (String file : new String[] {MODEL, TOKENIZER}) {
            System.out.println("downloading " + ORIGIN + file);
            Path part = dir.resolve(file + ".part");
            HttpResponse<InputStream> response = http.send(
                    HttpRequest.newBuilder(URI.create(ORIGIN + file))
                            .timeout(Duration.ofMinutes(2))
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                throw new IOException(ORIGIN + file + " answered HTTP " + response.statusCode());
            }
            try (InputStream in = response.body()) {
                Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
            }
            String sha = sha256(part);
            if (!sha.equals(SHA256.get(file))) {
                Files.deleteIfExists(part);
                throw new IOException(file + " has SHA-256 " + sha + ", expected " + SHA256.get(file));
            }
            Files.move(part, dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
