package org.lorapipe.eval;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.lorapipe.contract.Stage;
import org.lorapipe.contract.Topics;
import org.lorapipe.service.testing.SampleEvents;
import org.lorapipe.service.testing.StageServiceContractTest;
import org.lorapipe.testkit.LoraInfraTestResource;

/** The eval-service at its door, through the real Kafka broker and S3 server. */
@QuarkusTest
@QuarkusTestResource(LoraInfraTestResource.class)
class EvalServiceContractTest extends StageServiceContractTest {
    @Override
    protected String inputTopic() {
        return Topics.ADAPTER_TRAINED;
    }

    @Override
    protected Stage stage() {
        return Stage.EVALUATION;
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
                "adapterUri is required in AdapterTrained");
    }

    @Override
    protected String validInput(String requestId) {
        return SampleEvents.adapterTrained(requestId);
    }
}
