package org.lorapipe.dataset.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipe.contract.ErrorCodes;
import org.lorapipe.contract.dataset.ShardReader;
import org.lorapipe.contract.dataset.TokenizedSequence;
import org.lorapipe.contract.event.DatasetManifest;
import org.lorapipe.contract.event.RenderedExample;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.request.DatasetFormat;
import org.lorapipe.contract.request.DatasetSpec;
import org.lorapipe.contract.request.PromptTemplate;
import org.lorapipe.dataset.domain.template.ExampleTemplate;
import org.lorapipe.dataset.domain.template.PromptTemplates;
import org.lorapipe.dataset.domain.template.Segment;
import org.lorapipe.model.tokenizer.Llama2cTokenizer;
import org.lorapipe.model.tokenizer.TextTokenizer;

/** The dataset stage on real data: alpaca_en_demo.json and LIMA, with stories260K's tokenizer. */
class DatasetBuilderTest {
    private static TextTokenizer tokenizer;

    @TempDir
    Path work;

    @BeforeAll
    static void loadTokenizer() {
        tokenizer = Llama2cTokenizer.load(SharedData.file("models/stories260K/tok512.bin"));
    }

    @AfterAll
    static void closeTokenizer() {
        tokenizer.close();
    }

    static DatasetSpec spec(DatasetFormat format, PromptTemplate template, int maxSeq, boolean pack) {
        return new DatasetSpec(
                "s3://lora/data/x.json", format, template, maxSeq, 0.05, true, true, pack, 0.85, false, 0.10);
    }

    private DatasetBuilder.Result build(DatasetSpec spec, byte[] data, Path dir) throws Exception {
        Files.createDirectories(dir);
        return new DatasetBuilder(spec, tokenizer, dir).build(new ByteArrayInputStream(data), "test.json");
    }

    private static List<TokenizedSequence> read(List<Path> files, String split) throws Exception {
        List<TokenizedSequence> out = new ArrayList<>();
        for (Path f : files) {
            if (f.getFileName().toString().startsWith(split)) {
                try (InputStream in = Files.newInputStream(f);
                        ShardReader r = new ShardReader(in, f.toString())) {
                    r.forEachRemaining(out::add);
                }
            }
        }
        return out;
    }

    @Test
    void manifestCountsEveryInjectedCaseExactly() throws Exception {
        ArrayNode original = (ArrayNode) Json.mapper()
                .readTree(SharedData.file("instruct/alpaca_en_demo.json").toFile());
        DatasetSpec spec = spec(DatasetFormat.ALPACA, PromptTemplate.ALPACA, 4096, false);
        DatasetManifest baseline = build(spec, Json.write(original).getBytes(StandardCharsets.UTF_8), work.resolve("a"))
                .manifest();

        ArrayNode injected = original.deepCopy();
        // 3 exact duplicates: same record, differing only in whitespace and Unicode composition
        for (int i : new int[] {10, 20, 30}) {
            ObjectNode copy = ((ObjectNode) original.get(i)).deepCopy();
            copy.put("instruction", "  " + copy.get("instruction").textValue().replace(" ", "  ") + "\r\n");
            injected.add(copy);
        }
        // 3 near duplicates: one word of a long answer changed
        int near = 0;
        for (int i = 100; near < 3; i++) {
            ObjectNode copy = ((ObjectNode) original.get(i)).deepCopy();
            String output = copy.get("output").textValue();
            if (output.split(" ").length < 80) {
                continue;
            }
            int at = output.indexOf(' ', output.length() / 2);
            copy.put("output", output.substring(0, at) + " remarkably" + output.substring(output.indexOf(' ', at + 1)));
            injected.add(copy);
            near++;
        }
        // 2 empty and 3 malformed records
        injected.addObject().put("instruction", "   ").put("input", "").put("output", "Something.");
        injected.addObject().put("instruction", "Say hi.").put("input", "").put("output", "\u200B ");
        injected.addObject().put("instruction", "No output here.");
        injected.addObject().put("instruction", 42).put("output", "A number is not an instruction.");
        injected.add("just a string");

        DatasetManifest m = build(spec, Json.write(injected).getBytes(StandardCharsets.UTF_8), work.resolve("b"))
                .manifest();
        assertThat(m.recordsIn()).isEqualTo(baseline.recordsIn() + 11);
        assertThat(m.duplicatesExact()).isEqualTo(baseline.duplicatesExact() + 3);
        assertThat(m.duplicatesNear()).isEqualTo(baseline.duplicatesNear() + 3);
        assertThat(m.dropped().getOrDefault("empty", 0L))
                .isEqualTo(baseline.dropped().getOrDefault("empty", 0L) + 2);
        assertThat(m.dropped().getOrDefault("malformed", 0L))
                .isEqualTo(baseline.dropped().getOrDefault("malformed", 0L) + 3);
        assertThat(m.recordsOut()).isEqualTo(baseline.recordsOut());
        assertThat(m.trainExamples() + m.validationExamples()).isEqualTo(m.recordsOut());
        assertThat(m.template()).isEqualTo("alpaca");
        assertThat(m.tokenizerSha256()).isEqualTo(tokenizer.sha256());
    }

    @Test
    void shardsDecodeBackToTheTemplatedTextAndMasksSplitPromptFromResponse() throws Exception {
        ArrayNode records = (ArrayNode) Json.mapper()
                .readTree(SharedData.file("instruct/alpaca_en_demo.json").toFile());
        ArrayNode first = Json.mapper().createArrayNode();
        for (int i = 0; i < 60; i++) {
            first.add(records.get(i));
        }
        DatasetSpec spec = spec(DatasetFormat.ALPACA, PromptTemplate.ALPACA, 4096, false);
        DatasetBuilder.Result result = build(spec, Json.write(first).getBytes(StandardCharsets.UTF_8), work);
        List<TokenizedSequence> all = new ArrayList<>(read(result.files(), "train"));
        all.addAll(read(result.files(), "validation"));
        assertThat(all).hasSize((int) result.manifest().recordsOut());

        RecordMapper mapper = new RecordMapper(DatasetFormat.ALPACA);
        Map<String, String[]> expected = new java.util.HashMap<>();
        for (int i = 0; i < 60; i++) {
            Example e = mapper.map(new RawRecord(i, records.get(i), null)).example();
            var segments = PromptTemplates.apply(PromptTemplate.ALPACA, e);
            String prompt = segments.get(1).text();
            String response = segments.get(2).text();
            expected.put(prompt + response, new String[] {prompt, response});
        }
        for (TokenizedSequence s : all) {
            assertThat(s.ids()[0]).isEqualTo(tokenizer.bosId());
            assertThat(s.ids()[s.length() - 1]).isEqualTo(tokenizer.eosId());
            assertThat(s.trainable()[0]).as("BOS is never trained").isFalse();
            assertThat(s.trainable()[s.length() - 1]).as("EOS is trained").isTrue();
            String text = tokenizer.decode(s.ids());
            assertThat(expected).containsKey(text);
            int firstTrained = 0;
            while (!s.trainable()[firstTrained]) {
                firstTrained++;
            }
            for (int j = firstTrained; j < s.length(); j++) {
                assertThat(s.trainable()[j]).as("one contiguous response").isTrue();
            }
            String[] parts = expected.get(text);
            String promptPart = tokenizer.decode(Arrays.copyOfRange(s.ids(), 0, firstTrained));
            String responsePart = tokenizer.decode(Arrays.copyOfRange(s.ids(), firstTrained, s.length() - 1));
            assertThat(promptPart).isEqualTo(parts[0]);
            assertThat(responsePart.strip()).isEqualTo(parts[1].strip());
        }
    }

    @Test
    void limaTrainsEveryAssistantTurn() throws Exception {
        ArrayNode lima = (ArrayNode)
                Json.mapper().readTree(SharedData.file("instruct/lima.json").toFile());
        ArrayNode multi = Json.mapper().createArrayNode();
        for (JsonNode r : lima) {
            if (r.hasNonNull("history") && r.get("history").size() > 0 && multi.size() < 5) {
                multi.add(r);
            }
        }
        DatasetSpec spec = spec(DatasetFormat.ALPACA, PromptTemplate.CHATML, 131072, false);
        spec = new DatasetSpec(
                spec.uri(),
                spec.format(),
                spec.promptTemplate(),
                spec.maxSeqLength(),
                0.0,
                true,
                true,
                false,
                0.85,
                false,
                0.1);
        DatasetBuilder.Result result = build(spec, Json.write(multi).getBytes(StandardCharsets.UTF_8), work);
        List<TokenizedSequence> sequences = read(result.files(), "train");
        assertThat(sequences).hasSize(5);
        RecordMapper mapper = new RecordMapper(DatasetFormat.ALPACA);
        for (int i = 0; i < 5; i++) {
            TokenizedSequence s = sequences.get(i);
            Example e = mapper.map(new RawRecord(i, multi.get(i), null)).example();
            List<String> trainedSpans = spans(s, true);
            List<String> promptSpans = spans(s, false);
            assertThat(trainedSpans).hasSize(e.exchanges().size());
            for (int t = 0; t < e.exchanges().size(); t++) {
                Exchange turn = e.exchanges().get(t);
                assertThat(trainedSpans.get(t).strip()).isEqualTo((turn.response() + "<|im_end|>").strip());
                assertThat(promptSpans.get(t))
                        .contains(turn.instruction()
                                .substring(0, Math.min(40, turn.instruction().length())));
            }
        }
    }

    /** Decoded maximal runs of tokens that are (or are not) trained, EOS and BOS left out. */
    private static List<String> spans(TokenizedSequence s, boolean trained) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            if (s.trainable()[i] != trained) {
                i++;
                continue;
            }
            int j = i;
            while (j < s.length() && s.trainable()[j] == trained) {
                j++;
            }
            int[] ids = Arrays.stream(Arrays.copyOfRange(s.ids(), i, j))
                    .filter(id -> id != tokenizer.eosId() && id != tokenizer.bosId())
                    .toArray();
            out.add(tokenizer.decode(ids));
            i = j;
        }
        return out;
    }

    @Test
    void splitIsDeterministicAndFollowsTheRecordNotItsPosition() throws Exception {
        ArrayNode records = (ArrayNode) Json.mapper()
                .readTree(SharedData.file("instruct/alpaca_en_demo.json").toFile());
        DatasetSpec spec = spec(DatasetFormat.ALPACA, PromptTemplate.ALPACA, 4096, false);
        DatasetBuilder.Result once =
                build(spec, Json.write(records).getBytes(StandardCharsets.UTF_8), work.resolve("1"));
        DatasetBuilder.Result twice =
                build(spec, Json.write(records).getBytes(StandardCharsets.UTF_8), work.resolve("2"));
        assertThat(twice.manifest()).isEqualTo(once.manifest());
        for (int i = 0; i < once.files().size(); i++) {
            assertThat(Files.readAllBytes(twice.files().get(i)))
                    .isEqualTo(Files.readAllBytes(once.files().get(i)));
        }
        ArrayNode reversed = Json.mapper().createArrayNode();
        for (int i = records.size() - 1; i >= 0; i--) {
            reversed.add(records.get(i));
        }
        DatasetBuilder.Result shuffled =
                build(spec, Json.write(reversed).getBytes(StandardCharsets.UTF_8), work.resolve("3"));
        assertThat(decodedSet(shuffled, "validation")).isEqualTo(decodedSet(once, "validation"));
        assertThat(once.manifest().validationExamples()).isBetween(20L, 90L);
    }

    private static java.util.Set<String> decodedSet(DatasetBuilder.Result r, String split) throws Exception {
        java.util.Set<String> out = new java.util.HashSet<>();
        for (TokenizedSequence s : read(r.files(), split)) {
            out.add(tokenizer.decode(s.ids()));
        }
        return out;
    }

    @Test
    void packingKeepsExampleBoundaries() throws Exception {
        ArrayNode records = Json.mapper().createArrayNode();
        for (int i = 0; i < 40; i++) {
            records.addObject().put("instruction", "Name a color number " + i).put("output", "Blue " + i + ".");
        }
        DatasetSpec spec = new DatasetSpec(
                "s3://lora/x",
                DatasetFormat.ALPACA,
                PromptTemplate.PLAIN,
                128,
                0.0,
                true,
                true,
                true,
                0.85,
                false,
                0.1);
        DatasetBuilder.Result result = build(spec, Json.write(records).getBytes(StandardCharsets.UTF_8), work);
        List<TokenizedSequence> packed = read(result.files(), "train");
        assertThat(packed.size()).isLessThan(40);
        int examples = 0;
        for (TokenizedSequence s : packed) {
            assertThat(s.length()).isLessThanOrEqualTo(128);
            for (int start : s.starts()) {
                assertThat(s.ids()[start])
                        .as("every packed example starts with BOS")
                        .isEqualTo(tokenizer.bosId());
            }
            examples += s.starts().length;
        }
        assertThat(examples).isEqualTo(result.manifest().recordsOut());
    }

    @Test
    void documentsAreCutIntoWindowsAndJsonlIsDetected() throws Exception {
        String story = "Once upon a time, there was a little dog named Max. Max liked to run in the park. ".repeat(20);
        String jsonl = "{\"text\": \"" + story + "\"}\n\n{\"text\": \"A short one.\"}\n{not json}\n";
        DatasetSpec spec = new DatasetSpec(
                "s3://lora/x", DatasetFormat.TEXT, PromptTemplate.ALPACA, 64, 0.0, true, true, false, 0.85, false, 0.5);
        DatasetBuilder.Result result = build(spec, jsonl.getBytes(StandardCharsets.UTF_8), work);
        assertThat(result.manifest().recordsIn()).isEqualTo(3);
        assertThat(result.manifest().dropped()).containsEntry("malformed", 1L);
        List<TokenizedSequence> windows = read(result.files(), "train");
        assertThat(windows.size()).isGreaterThan(5);
        assertThat(windows).allSatisfy(w -> assertThat(w.length()).isLessThanOrEqualTo(64));
        assertThat(result.manifest().maxSequenceLength()).isEqualTo(64);
    }

    @Test
    void tooManyBadRecordsFailWithTheRecordsNamed() {
        String jsonl = "{\"instruction\": \"a\", \"output\": \"b\"}\n{\"question\": \"wrong shape\"}\n"
                + "{\"prompt\": \"x\"}\n";
        assertThatThrownBy(() -> build(
                        spec(DatasetFormat.ALPACA, PromptTemplate.ALPACA, 256, false),
                        jsonl.getBytes(StandardCharsets.UTF_8),
                        work))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("2 of 3 records")
                .hasMessageContaining("record 1 needs string fields \"instruction\" and \"output\"")
                .hasMessageContaining("Is the format right");
    }

    @Test
    void notJsonAndAllTooLongAreClearErrors() {
        assertThatThrownBy(() -> build(
                        spec(DatasetFormat.ALPACA, PromptTemplate.ALPACA, 256, false),
                        "instruction,output\na,b\n".getBytes(StandardCharsets.UTF_8),
                        work))
                .hasMessageContaining("is not JSON or JSONL");
        String jsonl = "{\"instruction\": \"" + "word ".repeat(200) + "\", \"output\": \"b\"}\n";
        assertThatThrownBy(() -> build(
                        spec(DatasetFormat.ALPACA, PromptTemplate.ALPACA, 16, false),
                        jsonl.getBytes(StandardCharsets.UTF_8),
                        work))
                .hasMessageContaining("no record is left")
                .hasMessageContaining("raise dataset.maxSeqLength or set dataset.truncate");
    }

    @Test
    void theManifestShowsTheFirstKeptExampleWithItsMaskAndTheEndOfTurnToken() throws Exception {
        String jsonl = "{\"instruction\": \"" + "word ".repeat(400) + "\", \"output\": \"x\"}\n"
                + "{\"instruction\": \"Say hi.\", \"output\": \"Hi there!\"}\n";
        DatasetManifest manifest = build(
                        spec(DatasetFormat.ALPACA, PromptTemplate.ALPACA, 256, false),
                        jsonl.getBytes(StandardCharsets.UTF_8),
                        work)
                .manifest();
        assertThat(manifest.endOfTurnToken()).isEqualTo("</s>");
        RenderedExample shown = manifest.example();
        assertThat(shown.record()).isEqualTo(1); // record 0 was dropped as too long
        assertThat(shown.spans()).hasSize(2);
        assertThat(shown.spans().get(0).trained()).isFalse();
        assertThat(shown.spans().get(0).text())
                .startsWith("<s> Below is an instruction")
                .endsWith("### Instruction:\nSay hi.\n\n### Response:\n");
        assertThat(shown.spans().get(1)).isEqualTo(new RenderedExample.Span("Hi there!</s>", true));
        assertThat(shown.trainedTokens()).isPositive();
        assertThat(shown.untrainedTokens()).isGreaterThan(shown.trainedTokens());
        // the manifest with its example is read back as written (older readers ignore the new fields)
        assertThat(Json.read(Json.write(manifest), DatasetManifest.class)).isEqualTo(manifest);
    }

    @Test
    void anExampleWithoutATrainedTokenRefusesTheDataset() {
        ExampleTemplate nothingTrained = new ExampleTemplate() {
            @Override
            public List<Segment> apply(Example example) {
                return List.of(
                        Segment.bos(), Segment.prompt(example.exchanges().get(0).response()));
            }

            @Override
            public Optional<String> endOfTurn() {
                return Optional.empty();
            }

            @Override
            public String chatTemplate() {
                return "";
            }
        };
        DatasetSpec spec = spec(DatasetFormat.ALPACA, PromptTemplate.ALPACA, 256, false);
        assertThatThrownBy(() -> new DatasetBuilder(
                                spec, tokenizer, work, DatasetBuilder.Bounds.DEFAULT, () -> {}, nothingTrained)
                        .build(
                                new ByteArrayInputStream("{\"instruction\": \"a\", \"output\": \"b\"}\n"
                                        .getBytes(StandardCharsets.UTF_8)),
                                "t.jsonl"))
                .isInstanceOfSatisfying(
                        DatasetException.class, e -> assertThat(e.code()).isEqualTo(ErrorCodes.INVALID_REQUEST))
                .hasMessageContaining("record 0 has no trained token");
    }

    @Test
    void truncationThatCutsEveryEosRefusesTheDataset() {
        String jsonl =
                "{\"instruction\": \"Tell a story.\", \"output\": \"" + "Once upon a time. ".repeat(80) + "\"}\n";
        DatasetSpec spec = new DatasetSpec(
                "s3://lora/x",
                DatasetFormat.ALPACA,
                PromptTemplate.ALPACA,
                128,
                0.0,
                true,
                true,
                false,
                0.85,
                true,
                0.5);
        assertThatThrownBy(() -> build(spec, jsonl.getBytes(StandardCharsets.UTF_8), work))
                .isInstanceOfSatisfying(
                        DatasetException.class, e -> assertThat(e.code()).isEqualTo(ErrorCodes.INVALID_REQUEST))
                .hasMessageContaining("'</s>' (id 2)")
                .hasMessageContaining("would not learn to stop")
                .hasMessageContaining("raise dataset.maxSeqLength");
    }

    /** The tokenizer, counting the characters it is asked to encode. */
    private static final class CountingTokenizer implements TextTokenizer {
        long charsEncoded;

        @Override
        public int[] encode(String text, boolean addBos) {
            charsEncoded += text.length();
            return tokenizer.encode(text, addBos);
        }

        @Override
        public java.util.OptionalInt longestPieceChars() {
            return tokenizer.longestPieceChars();
        }

        @Override
        public String decode(int[] ids) {
            return tokenizer.decode(ids);
        }

        @Override
        public String decodePiece(int prev, int id) {
            return tokenizer.decodePiece(prev, id);
        }

        @Override
        public int bosId() {
            return tokenizer.bosId();
        }

        @Override
        public int eosId() {
            return tokenizer.eosId();
        }

        @Override
        public int vocabSize() {
            return tokenizer.vocabSize();
        }

        @Override
        public String sha256() {
            return tokenizer.sha256();
        }
    }

    /** Builds {@code jsonl} (Alpaca, maxSeqLength 256) with {@code counting}, truncating or not. */
    private DatasetBuilder.Result buildCounting(String jsonl, boolean truncate, CountingTokenizer counting, String dir)
            throws Exception {
        DatasetSpec spec = new DatasetSpec(
                "s3://lora/x",
                DatasetFormat.ALPACA,
                PromptTemplate.ALPACA,
                256,
                0.0,
                true,
                true,
                false,
                0.85,
                truncate,
                0.5);
        Files.createDirectories(work.resolve(dir));
        return new DatasetBuilder(spec, counting, work.resolve(dir))
                .build(new ByteArrayInputStream(jsonl.getBytes(StandardCharsets.UTF_8)), "t.jsonl");
    }

    @Test
    void aRecordFarLongerThanMaxSeqLengthIsDroppedOrCutWithoutTokenizingAllOfIt() throws Exception {
        String huge = "word ".repeat(200_000); // a million characters
        String jsonl = "{\"instruction\": \"" + huge + "\", \"output\": \"b\"}\n"
                + "{\"instruction\": \"Say hi.\", \"output\": \"Hi!\"}\n";
        CountingTokenizer counting = new CountingTokenizer();
        DatasetBuilder.Result dropped = buildCounting(jsonl, false, counting, "drop");
        assertThat(dropped.manifest().dropped()).containsEntry("tooLong", 1L);
        assertThat(counting.charsEncoded)
                .as("the long record was never tokenized")
                .isLessThan(10_000);

        CountingTokenizer cutting = new CountingTokenizer();
        DatasetBuilder.Result cut = buildCounting(jsonl, true, cutting, "cut");
        assertThat(cutting.charsEncoded)
                .as("only a bounded prefix was tokenized")
                .isLessThan(100_000);
        // with masked prompts the cut record has no trained token left, so truncation drops it as well
        assertThat(cut.manifest().recordsOut()).isEqualTo(1);
        List<TokenizedSequence> kept = read(cut.files(), "train");
        assertThat(kept).allSatisfy(t -> assertThat(t.length()).isLessThanOrEqualTo(256));
    }

    @Test
    void theFirstTokensOfACutTextEqualThoseOfTheWholeText() {
        List<org.lorapipe.dataset.domain.template.Segment> segments = List.of(
                org.lorapipe.dataset.domain.template.Segment.prompt("Once upon a time ".repeat(300)),
                org.lorapipe.dataset.domain.template.Segment.response("there was a dog. ".repeat(300)));
        long bound = 2L * (64 + 1) * tokenizer.longestPieceChars().getAsInt();
        ExampleTokenizer t = new ExampleTokenizer(tokenizer, true);
        TokenizedSequence whole = t.tokenize(segments);
        TokenizedSequence cut = t.tokenize(DatasetBuilder.cut(segments, bound));
        assertThat(Arrays.copyOf(cut.ids(), 64)).containsExactly(Arrays.copyOf(whole.ids(), 64));
        assertThat(DatasetBuilder.cut(segments, 20)).hasSize(1).first().satisfies(s -> assertThat(s.text())
                .hasSize(20));
    }

    @Test
    void moreRecordsThanTheLimitFailNamingTheSetting() throws Exception {
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            jsonl.append("{\"instruction\": \"Count ").append(i).append("\", \"output\": \"ok\"}\n");
        }
        DatasetSpec spec = spec(DatasetFormat.ALPACA, PromptTemplate.ALPACA, 256, false);
        int[] checkpoints = {0};
        assertThatThrownBy(() -> new DatasetBuilder(
                                spec,
                                tokenizer,
                                work,
                                new DatasetBuilder.Bounds(1 << 20, 25, 1_000_000),
                                () -> checkpoints[0]++)
                        .build(new ByteArrayInputStream(jsonl.toString().getBytes(StandardCharsets.UTF_8)), "t.jsonl"))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("more than 25 records")
                .hasMessageContaining("lora.limits.dataset-records");
    }

    @Test
    void aStoppedJobLeavesTheBuildAtItsNextCheckpoint() {
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < 2 * DatasetBuilder.CHECK_EVERY; i++) {
            jsonl.append("{\"instruction\": \"Count ").append(i).append("\", \"output\": \"ok\"}\n");
        }
        DatasetSpec spec = spec(DatasetFormat.ALPACA, PromptTemplate.ALPACA, 256, false);
        assertThatThrownBy(() -> new DatasetBuilder(spec, tokenizer, work, DatasetBuilder.Bounds.DEFAULT, () -> {
                            throw new IllegalStateException("stopped: shutting down");
                        })
                        .build(new ByteArrayInputStream(jsonl.toString().getBytes(StandardCharsets.UTF_8)), "t.jsonl"))
                .hasMessageContaining("stopped: shutting down");
    }

    @Test
    void aJsonArrayElementOverTheRecordBoundFailsClearly() {
        String big = "[{\"instruction\": \"" + "x".repeat(300_000) + "\", \"output\": \"b\"}]";
        DatasetSpec spec = spec(DatasetFormat.ALPACA, PromptTemplate.ALPACA, 256, false);
        assertThatThrownBy(() -> new DatasetBuilder(
                                spec, tokenizer, work, new DatasetBuilder.Bounds(50_000, 1000, 1_000_000), () -> {})
                        .build(new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8)), "t.json"))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("record 0 of the JSON array is larger than 50000 characters")
                .hasMessageContaining("lora.limits.record-chars")
                .hasMessageContaining("JSONL");
    }

    @Test
    void moreTokensThanTheTrainerHoldsFailWhileTheShardsAreWritten() {
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            jsonl.append("{\"instruction\": \"Count to ").append(i).append("\", \"output\": \"ok\"}\n");
        }
        DatasetSpec spec = spec(DatasetFormat.ALPACA, PromptTemplate.ALPACA, 256, false);
        assertThatThrownBy(() -> new DatasetBuilder(
                                spec, tokenizer, work, new DatasetBuilder.Bounds(1 << 20, 1000, 500), () -> {})
                        .build(new ByteArrayInputStream(jsonl.toString().getBytes(StandardCharsets.UTF_8)), "t.jsonl"))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("more than 500 tokens")
                .hasMessageContaining("lora.limits.dataset-tokens");
    }
}
