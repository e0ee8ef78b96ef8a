package org.lorapipe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.lorapipe.contract.ErrorCodes;
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.event.AdapterTrained;
import org.lorapipe.contract.event.DatasetPrepared;
import org.lorapipe.contract.event.EvaluationCompleted;
import org.lorapipe.contract.event.EventParser;
import org.lorapipe.contract.event.PipelineEvent;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.request.InvalidRequestException;
import org.lorapipe.contract.request.NotJsonException;
import org.lorapipe.devstack.InfraJars;

/**
 * The fuzz catalogue against the contract's parsers, without a broker: the valid inputs it starts from
 * are accepted, the same seed gives the same cases, and every case the services judge is refused by the
 * parser they use, with a code the case expects. A case the parser accepted would start a run.
 */
class HostileInputsTest {
    private static final EventParser PARSER = new EventParser("lora");
    private static final Map<String, Class<? extends PipelineEvent>> EVENTS = Map.of(
            Topics.DATASET_PREPARED, DatasetPrepared.class,
            Topics.ADAPTER_TRAINED, AdapterTrained.class,
            Topics.EVALUATION_COMPLETED, EvaluationCompleted.class);

    private static HostileInputs inputs(long seed) {
        return new HostileInputs(seed, "fz-test", InfraJars.locate().root());
    }

    @Test
    void theValidStartingPointsAreAccepted() {
        assertThat(PARSER.requests()
                        .parse(Json.write(HostileInputs.richRequest("rich-1")))
                        .requestId())
                .isEqualTo("rich-1");
        EVENTS.forEach((topic, type) -> assertThatCode(
                        () -> PARSER.parse(Json.write(HostileInputs.validEvent(topic, "rich-1")), type))
                .as(topic)
                .doesNotThrowAnyException());
        assertThat(inputs(1).catalogueSize()).isGreaterThan(400);
    }

    @Test
    void theSameSeedGivesTheSameCases() {
        List<HostileInputs.Case> a = inputs(42).generate(300);
        List<HostileInputs.Case> b = inputs(42).generate(300);
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.get(i).value())
                    .as(a.get(i).describe())
                    .isEqualTo(a.get(i).value());
            assertThat(b.get(i).mutation()).isEqualTo(a.get(i).mutation());
        }
        assertThat(inputs(43).generate(300).stream().map(HostileInputs.Case::mutation))
                .isNotEqualTo(a.stream().map(HostileInputs.Case::mutation).toList());
    }

    @Test
    void everyCaseIsRefusedByTheParserWithAnExpectedCode() {
        List<String> wrong = new ArrayList<>();
        for (long seed = 1; seed <= 2; seed++) {
            for (HostileInputs.Case c : inputs(seed).generate(1200)) {
                String code = judge(c);
                if (!c.codes().contains(code)) {
                    wrong.add(code + " for " + c.describe());
                }
            }
        }
        assertThat(wrong).as("cases the parser judged otherwise than expected").isEmpty();
    }

    /** The code the services' door gives a case, or "ACCEPTED". */
    private static String judge(HostileInputs.Case c) {
        String text = c.value() == null ? "" : new String(c.value(), StandardCharsets.UTF_8);
        try {
            if (c.topic().equals(Topics.TRAINING_REQUESTED)) {
                PARSER.requests().parse(text);
            } else {
                PARSER.parse(text, EVENTS.get(c.topic()));
            }
            return "ACCEPTED";
        } catch (InvalidRequestException e) {
            return ErrorCodes.INVALID_REQUEST;
        } catch (NotJsonException e) {
            return ErrorCodes.NOT_JSON;
        }
    }
}
