package org.lorapipe.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lorapipe.contract.event.AdapterTrained;
import org.lorapipe.contract.event.MemoryUsage;
import org.lorapipe.contract.event.RunMemory;
import org.lorapipe.contract.event.TrainingMetrics;
import org.lorapipe.contract.event.TrainingProgress;
import org.lorapipe.contract.json.Json;

/**
 * docs/CONTRACT.md must stay in step with the code: its topic table names exactly the topics of
 * {@link Topics}, its request table names exactly the properties of
 * docs/training-requested.schema.json (nested ones as dotted paths, array items as {@code []}), and its
 * Events section every field of the training figures.
 */
class ContractDocumentTest {
    private static final Pattern TOPIC = Pattern.compile("`(lora\\.[A-Za-z0-9._-]+)`");
    private static final Pattern FIRST_CELL = Pattern.compile("^\\|\\s*`([^`]+)`\\s*\\|");

    private static String document;
    private static JsonNode schema;

    @BeforeAll
    static void load() throws Exception {
        Path docs = Path.of(System.getProperty("lora.project.root", "..")).resolve("docs");
        if (!Files.exists(docs.resolve("CONTRACT.md"))) {
            docs = Path.of("../docs");
        }
        document = Files.readString(docs.resolve("CONTRACT.md"));
        schema = Json.mapper().readTree(Files.readString(docs.resolve("training-requested.schema.json")));
    }

    @Test
    void everyTopicConstantIsInTheDocument() throws Exception {
        List<String> constants = topicConstants();
        assertThat(constants).as("constants of Topics").isNotEmpty();
        assertThat(constants)
                .as("topics of Topics.java missing from docs/CONTRACT.md")
                .allSatisfy(topic -> assertThat(document).contains("`" + topic + "`"));
    }

    @Test
    void everyTopicOfTheTopicTableIsAConstant() throws Exception {
        Set<String> named = new LinkedHashSet<>();
        for (String row : tableRows(section("## Topics"))) {
            Matcher m = TOPIC.matcher(row);
            while (m.find()) {
                named.add(m.group(1));
            }
        }
        assertThat(named).as("topics in the topic table of docs/CONTRACT.md").isNotEmpty();
        assertThat(topicConstants())
                .as("the topic table names a topic that Topics.java does not have")
                .containsAll(named);
        assertThat(named).as("the topic table lacks a topic of Topics.java").containsAll(topicConstants());
    }

    @Test
    void everySchemaPropertyIsInTheRequestTable() {
        Set<String> properties = new LinkedHashSet<>();
        collect(schema, "", properties);
        assertThat(properties).as("properties of the schema").contains("requestId", "lora.r", "merge.gate.task");
        assertThat(requestTableFields())
                .as("request fields missing from the request table of docs/CONTRACT.md")
                .containsAll(properties);
    }

    @Test
    void everyFieldOfTheRequestTableIsInTheSchema() {
        Set<String> properties = new LinkedHashSet<>();
        collect(schema, "", properties);
        List<String> fields = requestTableFields();
        assertThat(fields).as("fields of the request table").isNotEmpty();
        assertThat(properties)
                .as("the request table of docs/CONTRACT.md names a field the schema does not have")
                .containsAll(fields);
    }

    /**
     * The Events section names every field of the training events' figures: progress memory, the run's
     * metrics and its memory object (records' components; nested objects are documented inline).
     */
    @Test
    void everyFieldOfTheTrainingFiguresIsInTheEventsSection() {
        String events = section("## Events");
        for (Class<?> type : List.of(
                TrainingProgress.class,
                MemoryUsage.class,
                AdapterTrained.class,
                TrainingMetrics.class,
                RunMemory.class)) {
            for (RecordComponent c : type.getRecordComponents()) {
                if (List.of("schemaVersion", "requestId", "occurredAt", "request")
                        .contains(c.getName())) {
                    continue; // the envelope, documented in its own section
                }
                assertThat(events)
                        .as("%s.%s in the Events section of docs/CONTRACT.md", type.getSimpleName(), c.getName())
                        .contains("`" + c.getName() + "`");
            }
        }
    }

    private static List<String> topicConstants() throws IllegalAccessException {
        List<String> topics = new ArrayList<>();
        for (Field f : Topics.class.getDeclaredFields()) {
            int mod = f.getModifiers();
            if (Modifier.isPublic(mod)
                    && Modifier.isStatic(mod)
                    && Modifier.isFinal(mod)
                    && f.getType() == String.class) {
                topics.add((String) f.get(null));
            }
        }
        return topics;
    }

    /** The first cell of every row of the tables in "The training request", when it is a backticked name. */
    private static List<String> requestTableFields() {
        List<String> fields = new ArrayList<>();
        for (String row : tableRows(section("## The training request"))) {
            Matcher m = FIRST_CELL.matcher(row);
            if (m.find()) {
                fields.add(m.group(1));
            }
        }
        return fields;
    }

    /** The text from {@code heading} (a whole line) to the next level-2 heading. */
    private static String section(String heading) {
        List<String> out = new ArrayList<>();
        boolean inside = false;
        for (String line : document.split("\n", -1)) {
            if (line.startsWith("## ")) {
                if (inside) {
                    break;
                }
                inside = line.strip().equals(heading);
                continue;
            }
            if (inside) {
                out.add(line);
            }
        }
        assertThat(out).as("section '%s' of docs/CONTRACT.md", heading).isNotEmpty();
        return String.join("\n", out);
    }

    /** Table body rows: lines starting with '|', without the header separator. */
    private static List<String> tableRows(String text) {
        List<String> rows = new ArrayList<>();
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (l.startsWith("|") && !l.matches("\\|[\\s|:-]+\\|")) {
                rows.add(l);
            }
        }
        return rows;
    }

    /** Every property of the schema, nested ones as {@code a.b}, those of array items as {@code a[].b}. */
    private static void collect(JsonNode node, String prefix, Set<String> out) {
        JsonNode props = node.path("properties");
        for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String path = prefix + e.getKey();
            out.add(path);
            collect(e.getValue(), path + ".", out);
            JsonNode items = e.getValue().path("items");
            if (items.isObject()) {
                collect(items, path + "[].", out);
            }
        }
    }
}
