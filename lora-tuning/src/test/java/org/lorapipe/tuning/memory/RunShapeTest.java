package org.lorapipe.tuning.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.lorapipe.contract.event.DatasetManifest;
import org.lorapipe.contract.request.RequestParser;
import org.lorapipe.contract.request.TrainingRequest;
import org.lorapipe.tuning.Fixtures;

/** A request's run on its dataset: batches as long as the longest example and no wider than the split. */
class RunShapeTest {

    private final TrainingRequest request = new RequestParser("lora")
            .parse("{\"requestId\": \"r1\", \"baseModel\": \"s3://lora/models/m\", \"dataset\": {\"uri\":"
                    + " \"s3://lora/data/d.jsonl\", \"maxSeqLength\": 512, \"pack\": true},"
                    + " \"training\": {\"microBatchSize\": 8, \"gradientAccumulationSteps\": 2}}");

    private static DatasetManifest manifest(long trainExamples, int longest) {
        return new DatasetManifest(
                10, 10, Map.of(), 0, 0, trainExamples, 2, 3000, 400, longest, "alpaca", "x", "</s>", null);
    }

    @Test
    void theRequestAloneTakesItsLongestSequenceAndItsMicroBatch() {
        RunShape s = RunShape.of(Fixtures.tiny(), request);
        assertThat(s.sequenceLength()).isEqualTo(512);
        assertThat(s.microBatch()).isEqualTo(8);
        assertThat(s.packed()).isTrue();
        assertThat(s.ragged())
                .as("packed sequences fill every batch to the same length")
                .isFalse();
        assertThat(s.datasetTokens()).isZero();
    }

    @Test
    void unpackedExamplesMakeBatchesOfVaryingLength() {
        TrainingRequest unpacked = new RequestParser("lora")
                .parse("{\"requestId\": \"r1\", \"baseModel\": \"s3://lora/models/m\", \"dataset\": {\"uri\":"
                        + " \"s3://lora/data/d.jsonl\", \"maxSeqLength\": 512, \"pack\": false}}");
        assertThat(RunShape.of(Fixtures.tiny(), unpacked).ragged()).isTrue();
        assertThat(RunShape.of(Fixtures.tiny(), unpacked, manifest(5, 120)).ragged())
                .isTrue();
    }

    @Test
    void aPreparedDatasetNarrowsTheBatchToWhatItHolds() {
        RunShape s = RunShape.of(Fixtures.tiny(), request, manifest(5, 120));
        assertThat(s.sequenceLength()).isEqualTo(120); // its longest example
        assertThat(s.microBatch()).isEqualTo(5); // five training sequences
        assertThat(s.training().gradientAccumulationSteps()).isEqualTo(2);
        assertThat(s.datasetTokens()).isEqualTo(3400);
        assertThat(s.datasetSequences()).isEqualTo(7);
        assertThat(RunShape.of(Fixtures.tiny(), request, manifest(50, 9000)).sequenceLength())
                .as("never past maxSeqLength")
                .isEqualTo(512);
        assertThat(RunShape.of(Fixtures.tiny(), request, manifest(50, 0)).sequenceLength())
                .as("a manifest without its longest sequence: the request's bound")
                .isEqualTo(512);
    }
}
