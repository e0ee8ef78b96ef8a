package org.lorapipe.contract.checksum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipe.contract.event.ModelFile;

class ChecksumVerifierTest {

    @TempDir
    Path dir;

    @Test
    void detectsAModifiedAndAMissingFile() throws IOException {
        Files.writeString(dir.resolve("config.json"), "{}\n");
        Files.write(dir.resolve("model.safetensors"), new byte[] {1, 2, 3, 4});
        Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {}}\n");
        List<ModelFile> written = Sha256Sums.write(dir);
        assertThat(written)
                .extracting(ModelFile::path)
                .containsExactly("config.json", "model.safetensors", "tokenizer.json", "SHA256SUMS");
        // sha256sum's own format: sha256 of "{}\n"
        assertThat(Files.readAllLines(dir.resolve("SHA256SUMS")).get(0))
                .isEqualTo("ca3d163bab055381827226140568f3bef7eaac187cebd76878e0b63e9e442356  config.json");
        assertThat(ChecksumVerifier.verify(dir)).isEqualTo(written.subList(0, 3));

        Files.write(dir.resolve("model.safetensors"), new byte[] {1, 2, 3, 5});
        Files.delete(dir.resolve("tokenizer.json"));
        assertThatThrownBy(() -> ChecksumVerifier.verify(dir))
                .isInstanceOf(ChecksumVerifier.ChecksumException.class)
                .hasMessageContaining("model.safetensors differs")
                .hasMessageContaining("tokenizer.json is missing")
                .satisfies(e -> assertThat(((ChecksumVerifier.ChecksumException) e).problems())
                        .hasSize(2));
    }

    @Test
    void missingOrMalformedSumsFileIsAnError() throws IOException {
        assertThatThrownBy(() -> ChecksumVerifier.verify(dir)).hasMessageContaining("SHA256SUMS is missing");
        Files.writeString(dir.resolve("SHA256SUMS"), "abc  config.json\n");
        assertThatThrownBy(() -> ChecksumVerifier.verify(dir)).hasMessageContaining("line 1");
        Files.writeString(dir.resolve("SHA256SUMS"), "0".repeat(64) + "  ../etc/passwd\n");
        assertThatThrownBy(() -> ChecksumVerifier.verify(dir)).hasMessageContaining("outside the folder");
    }
}
