package org.lorapipe.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.lorapipe.contract.dataset.ShardFormat;

class BucketLayoutTest {

    @Test
    void everyKeyOfTheDocumentedLayout() {
        assertThat(BucketLayout.model("stories260K")).isEqualTo("models/stories260K/");
        assertThat(BucketLayout.dataset("r1")).isEqualTo("datasets/r1/");
        assertThat(BucketLayout.checkpoint("r1", 40)).isEqualTo("runs/r1/checkpoints/step-40/");
        assertThat(BucketLayout.adapter("r1")).isEqualTo("runs/r1/adapter/");
        assertThat(BucketLayout.evaluation("r1")).isEqualTo("runs/r1/eval/");
        assertThat(BucketLayout.merged("r1")).isEqualTo("runs/r1/merged/");
        assertThat(BucketLayout.notMerged("r1")).isEqualTo("runs/r1/not-merged.json");
    }

    @Test
    void checkpointStepsAreReadBackFromKeys() {
        assertThat(BucketLayout.checkpointStep(BucketLayout.checkpoint("r1", 1200)))
                .isEqualTo(1200);
        assertThat(BucketLayout.checkpointStep("runs/r1/checkpoints/step-7")).isEqualTo(7);
        assertThat(BucketLayout.checkpointStep("runs/r1/checkpoints/latest/")).isEqualTo(-1);
    }

    @Test
    void shardNamesAreOneRule() {
        String name = ShardFormat.fileName(ShardFormat.VALIDATION, 3);
        assertThat(name).isEqualTo("validation-00003.bin");
        assertThat(ShardFormat.isShard(name, ShardFormat.VALIDATION)).isTrue();
        assertThat(ShardFormat.isShard(name, ShardFormat.TRAIN)).isFalse();
        assertThat(ShardFormat.isShard("validation-3.bin", ShardFormat.VALIDATION))
                .isFalse();
        assertThat(ShardFormat.isShard("validation-00003.bin.tmp", ShardFormat.VALIDATION))
                .isFalse();
        assertThatThrownBy(() -> ShardFormat.fileName(ShardFormat.TRAIN, 100_000))
                .hasMessageContaining("outside 0..99999");
    }
}
