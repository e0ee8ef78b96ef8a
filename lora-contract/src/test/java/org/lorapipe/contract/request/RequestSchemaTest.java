package org.lorapipe.contract.request;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lorapipe.contract.json.Json;

/**
 * The published JSON Schema (docs/training-requested.schema.json) and the parser must agree: same
 * fields, same defaults, same enum values; the contract's examples validate, broken requests do not.
 */
class RequestSchemaTest {
    private static JsonNode schemaNode;
    private static JsonSchema schema;

    @BeforeAll
    static void load() throws Exception {
        Path root = Path.of(System.getProperty("lora.project.root", ".."));
        Path file = root.resolve("docs/training-requested.schema.json");
        if (!Files.exists(file)) {
            file = Path.of("../docs/training-requested.schema.json");
        }
        schemaNode = Json.mapper().readTree(Files.readString(file));
        schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schemaNode);
    }

    private static final String MINIMAL = "{\"requestId\": \"stories-r8\", \"baseModel\":"
            + " \"s3://lora/models/stories260K\", \"dataset\": {\"uri\": \"s3://lora/data/stories-instruct.jsonl\"}}";

    @Test
    void defaultsOfTheSchemaAreTheParsersDefaults() throws Exception {
        JsonNode filled = Json.mapper().readTree(Json.write(new RequestParser("lora").parse(MINIMAL)));
        int checked = compareDefaults(schemaNode, filled, "");
        assertThat(checked).as("defaults compared").isGreaterThan(30);
    }

    @Test
    void everyFieldTheParserWritesIsInTheSchema() throws Exception {
        JsonNode filled = Json.mapper().readTree(Json.write(new RequestParser("lora").parse(MINIMAL)));
        assertThat(schema.validate(filled)).isEmpty();
    }

    @Test
    void contractExamplesValidateAndBrokenRequestsDoNot() throws Exception {
        assertThat(schema.validate(Json.mapper().readTree(MINIMAL))).isEmpty();
        JsonNode broken = Json.mapper().readTree("{\"requestId\": \"x\", \"lora\": {\"r\": 0}}");
        assertThat(schema.validate(broken))
                .extracting(Object::toString)
                .anySatisfy(m -> assertThat(m).contains("baseModel"))
                .anySatisfy(m -> assertThat(m).contains("dataset"))
                .anySatisfy(m -> assertThat(m).contains("r"));
        JsonNode outside = Json.mapper().readTree(MINIMAL.replace("s3://lora/data", "file:///etc"));
        assertThat(schema.validate(outside)).isNotEmpty();
    }

    @Test
    void enumsOfTheSchemaAreTheJavaEnums() {
        JsonNode props = schemaNode.get("properties");
        assertEnum(props.at("/dataset/properties/format/enum"), DatasetFormat.class);
        assertEnum(props.at("/dataset/properties/promptTemplate/enum"), PromptTemplate.class);
        assertEnum(props.at("/quantization/properties/type/enum"), QuantizationType.class);
        assertEnum(props.at("/training/properties/optimizer/enum"), OptimizerType.class);
        assertEnum(props.at("/training/properties/scheduler/enum"), SchedulerType.class);
        assertEnum(props.at("/merge/properties/dtype/enum"), ModelDtype.class);
        assertEnum(props.at("/evaluation/properties/tasks/items/properties/name/enum"), EvalTaskName.class);
    }

    private static <E extends Enum<E> & WireValue> void assertEnum(JsonNode values, Class<E> type) {
        assertThat(values.isArray()).as("enum of %s", type.getSimpleName()).isTrue();
        assertThat(String.join(", ", Json.mapper().convertValue(values, String[].class)))
                .isEqualTo(WireValue.choices(type));
    }

    /** Walks the schema's properties; each default must equal the parser's value at that path. */
    private static int compareDefaults(JsonNode schemaObject, JsonNode value, String path) {
        int count = 0;
        JsonNode props = schemaObject.path("properties");
        for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode actual = value.path(e.getKey());
            JsonNode def = e.getValue().get("default");
            if (def != null) {
                if (def.isNumber()) {
                    assertThat(actual.doubleValue()).as(path + e.getKey()).isEqualTo(def.doubleValue());
                } else if (!def.isArray() || !def.path(0).isObject()) {
                    assertThat(actual).as(path + e.getKey()).isEqualTo(def);
                }
                count++;
            }
            if (e.getValue().has("properties") && actual.isObject()) {
                count += compareDefaults(e.getValue(), actual, path + e.getKey() + ".");
            }
        }
        return count;
    }
}
