package org.lorapipe.dataset;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.lorapipe.contract.Stage;
import org.lorapipe.contract.Topics;
import org.lorapipe.service.testing.SampleEvents;
import org.lorapipe.service.testing.StageServiceContractTest;
import org.lorapipe.testkit.LoraInfraTestResource;

/** The dataset-service at its door, through the real Kafka broker and S3 server. */
@QuarkusTest
@QuarkusTestResource(LoraInfraTestResource.class)
class DatasetServiceContractTest extends StageServiceContractTest {
    @Override
    protected String inputTopic() {
        return Topics.TRAINING_REQUESTED;
    }

    @Override
    protected Stage stage() {
        return Stage.DATASET;
    }

    @Override
    protected String invalidInput(String requestId) {
        return "{\"requestId\": \"" + requestId + "\", \"lora\": {\"r\": 0}}";
    }

    @Override
    protected List<String> expectedProblems() {
        return List.of("baseModel is required", "dataset is required", "lora.r must be a positive integer, got 0");
    }

    @Override
    protected String validInput(String requestId) {
        return SampleEvents.requestJson(requestId);
    }
}
