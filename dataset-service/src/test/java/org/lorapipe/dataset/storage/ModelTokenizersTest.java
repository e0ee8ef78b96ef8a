package org.lorapipe.dataset.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipe.contract.ErrorCodes;
import org.lorapipe.dataset.domain.DatasetException;
import org.lorapipe.storage.ObjectStore;
import org.lorapipe.storage.S3Uri;
import org.lorapipe.testkit.LoraInfraTestResource;
import org.lorapipe.testkit.NeedsInfra;

/** The tokenizer files of a model folder, on the real S3 server: bounded before they are read. */
@QuarkusTest
@QuarkusTestResource(LoraInfraTestResource.class)
@NeedsInfra
class ModelTokenizersTest {
    @Inject
    ObjectStore store;

    @TempDir
    Path work;

    @Test
    void aTokenizerFileOverTheBoundIsRefusedBeforeItIsDownloaded() {
        S3Uri folder = S3Uri.parse("s3://lora/models/huge-tokenizer/");
        store.putString(folder.resolve("config.json"), "{\"architectures\": [\"LlamaForCausalLM\"]}");
        store.putString(
                folder.resolve("tokenizer.json"),
                "{\"model\": {\"vocab\": {}}, \"pad\": \"" + "x".repeat(4096) + "\"}");

        assertThatThrownBy(() -> new ModelTokenizers(store, 1024).load(folder.toString(), work.resolve("tok")))
                .isInstanceOfSatisfying(
                        DatasetException.class, e -> assertThat(e.code()).isEqualTo(ErrorCodes.INVALID_INPUT))
                .hasMessageContaining("tokenizer.json has 4")
                .hasMessageContaining("at most 1024");
        assertThat(work.resolve("tok/tokenizer.json")).doesNotExist();
    }
}
