package org.lorapipe.trainer;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.lorapipe.contract.Stage;
import org.lorapipe.contract.Topics;
import org.lorapipe.service.testing.SampleEvents;
import org.lorapipe.service.testing.StageServiceContractTest;
import org.lorapipe.testkit.LoraInfraTestResource;

/** The trainer-service at its door, through the real Kafka broker and S3 server. */
@QuarkusTest
@QuarkusTestResource(LoraInfraTestResource.class)
class TrainerServiceContractTest extends StageServiceContractTest {
    @Override
    protected String inputTopic() {
        return Topics.DATASET_PREPARED;
    }

    @Override
    protected Stage stage() {
        return Stage.TRAINING;
    }

    @Override
    protected String invalidInput(String requestId) {
        return SampleEvents.withInvalidRequest(requestId);
    }

    @Override
    protected List<String> expectedProblems() {
        return List.of(
                "baseModel is required",
                "dataset is required",
                "lora.r must be a positive integer, got 0",
                "datasetUri is required in DatasetPrepared");
    }

    @Override
    protected String validInput(String requestId) {
        return SampleEvents.datasetPrepared(requestId);
    }
}
