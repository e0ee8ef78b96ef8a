package org.lorapipe.service.storage;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipe.contract.ErrorCodes;
import org.lorapipe.service.jobs.StageFailure;

class DownloadBudgetTest {
    @TempDir
    Path dir;

    @Test
    void aModelOverTheLimitIsTheRequestsFaultAndNamesTheSetting() {
        assertThatThrownBy(() -> DownloadBudget.forModel("the base model at s3://lora/models/big/", 1000, dir, 1)
                        .accept(1001))
                .isInstanceOfSatisfying(StageFailure.class, f -> {
                    org.assertj.core.api.Assertions.assertThat(f.code()).isEqualTo(ErrorCodes.INVALID_INPUT);
                    org.assertj.core.api.Assertions.assertThat(f.retriable()).isFalse();
                })
                .hasMessageContaining("1001 bytes")
                .hasMessageContaining("lora.limits.model-bytes");
        assertThatCode(() -> DownloadBudget.forModel("m", 1000, dir, 1).accept(1000))
                .doesNotThrowAnyException();
    }

    @Test
    void moreThanTheDiskHoldsIsTheReplicasFaultAndRetriable() {
        // a folder that does not exist yet is judged by the disk it will be on
        Path later = dir.resolve("not/yet/there");
        assertThatThrownBy(() -> DownloadBudget.forModel("the base model", Long.MAX_VALUE, later, 3)
                        .accept(Long.MAX_VALUE / 2))
                .isInstanceOfSatisfying(StageFailure.class, f -> {
                    org.assertj.core.api.Assertions.assertThat(f.code()).isEqualTo(ErrorCodes.INFRASTRUCTURE);
                    org.assertj.core.api.Assertions.assertThat(f.retriable()).isTrue();
                })
                .hasMessageContaining("scratch space in " + later)
                .hasMessageContaining("work-dir");
        assertThatCode(() -> DownloadBudget.requireRoom(later, 1024, "a small file"))
                .doesNotThrowAnyException();
    }
}
