package org.lorapipe.dataset.domain;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.lorapipe.contract.ErrorCodes;
import org.lorapipe.contract.dataset.TokenizedSequence;
import org.lorapipe.contract.event.DatasetManifest;
import org.lorapipe.contract.event.RenderedExample;
import org.lorapipe.contract.request.DatasetFormat;
import org.lorapipe.contract.request.DatasetSpec;
import org.lorapipe.contract.request.PromptTemplate;
import org.lorapipe.dataset.domain.dedup.ContentHash;
import org.lorapipe.dataset.domain.dedup.ExactDuplicates;
import org.lorapipe.dataset.domain.dedup.NearDuplicates;
import org.lorapipe.dataset.domain.template.ExampleTemplate;
import org.lorapipe.dataset.domain.template.ModelTemplate;
import org.lorapipe.dataset.domain.template.PromptTemplates;
import org.lorapipe.dataset.domain.template.Segment;
import org.lorapipe.model.tokenizer.TextTokenizer;

/**
 * The dataset stage's work, streaming record by record: read, normalise and map each record
 * ({@link RecordMapper}); drop exact then near duplicates; apply the prompt template; tokenize with loss
 * masks ({@link ExampleTokenizer}); drop (or truncate) what is longer than {@code maxSeqLength}, cut raw
 * documents into windows; send each example to train or validation by a hash of its content; optionally
 * pack; write shards. Memory per record is bounded: nothing but hashes and MinHash band keys is kept.
 *
 * <p>Before anything is trained on it, the dataset is refused ({@code INVALID_REQUEST}) when an example
 * it keeps has no trained token, or when the token that ends an assistant turn (the tokenizer's EOS, or
 * the one a chat template writes after each answer, e.g. {@code <|im_end|>}) is trained nowhere: a model
 * tuned on it would never learn to stop. Examples dropped on the way (too long, or with nothing trained
 * left after {@code truncate}) are counted under their reason as before, not refused. The manifest shows
 * the first kept example with its mask.
 */
public final class DatasetBuilder {
    public static final String TRAIN = "train";
    public static final String VALIDATION = "validation";
    static final long MAX_SHARD_BYTES = 64L << 20;

    /** How often (in records) the builder calls its {@code checkpoint}, where a stopped job leaves. */
    static final int CHECK_EVERY = 256;

    private final DatasetSpec spec;
    private final TextTokenizer tokenizer;
    private final ExampleTemplate template;
    private final Path workDir;
    private final Bounds bounds;
    private final Runnable checkpoint;
    /** Templated text longer than this has more than maxSeqLength tokens: no need to tokenize it. */
    private final long tooLongChars;

    /**
     * The result: the manifest, the shard files written into the work folder, and the chat template
     * the examples were rendered with (none for {@code text} documents).
     */
    public record Result(
            DatasetManifest manifest, List<Path> files, CurationCounts counts, Optional<String> chatTemplate) {}

    /**
     * What one dataset may make the stage read.
     *
     * @param recordChars longest record, in characters ({@code lora.limits.record-chars})
     * @param records most records ({@code lora.limits.dataset-records}); also bounds deduplication's memory
     * @param tokens most tokens written, train and validation ({@code lora.limits.dataset-tokens})
     */
    public record Bounds(int recordChars, long records, long tokens) {
        public static final Bounds DEFAULT = new Bounds(RecordSource.DEFAULT_MAX_RECORD_CHARS, 1_000_000, 200_000_000);
    }

    /** A builder with a built-in prompt template (not {@code model}), the default bounds and no checkpoint. */
    public DatasetBuilder(DatasetSpec spec, TextTokenizer tokenizer, Path workDir) {
        this(spec, tokenizer, workDir, Bounds.DEFAULT, () -> {});
    }

    /** A builder with a built-in prompt template (not {@code model}). */
    public DatasetBuilder(DatasetSpec spec, TextTokenizer tokenizer, Path workDir, Bounds bounds, Runnable checkpoint) {
        this(spec, tokenizer, workDir, bounds, checkpoint, PromptTemplates.builtin(spec.promptTemplate()));
    }

    /**
     * @param checkpoint called every {@value #CHECK_EVERY} records; throws to stop the build
     * @param template the request's prompt template: {@link PromptTemplates#builtin} or, for {@code
     *     model}, a {@link ModelTemplate} of the base model's chat template
     */
    public DatasetBuilder(
            DatasetSpec spec,
            TextTokenizer tokenizer,
            Path workDir,
            Bounds bounds,
            Runnable checkpoint,
            ExampleTemplate template) {
        this.spec = spec;
        this.tokenizer = tokenizer;
        this.template = template;
        this.workDir = workDir;
        this.bounds = bounds;
        this.checkpoint = checkpoint;
        // each token covers at most L characters, so n tokens cover at most n * L; twice that (and one
        // token more) leaves room for a tokenizer normaliser that shortens the (already NFC) text
        this.tooLongChars = tokenizer.longestPieceChars().isPresent()
                ? 2L
                        * (spec.maxSeqLength() + 1L)
                        * tokenizer.longestPieceChars().getAsInt()
                : Long.MAX_VALUE;
    }

    public Result build(InputStream source, String sourceName) {
        int endOfTurn = endOfTurnId();
        boolean endOfTurnTrained = false;
        RenderedExample shown = null;
        CurationCounts counts = new CurationCounts();
        RecordMapper mapper = new RecordMapper(spec.format());
        ExampleTokenizer exampleTokenizer = new ExampleTokenizer(tokenizer, spec.maskPrompt());
        ExactDuplicates exact = new ExactDuplicates();
        long trainExamples = 0;
        long validationExamples = 0;
        try (RecordSource records = new RecordSource(source, sourceName, bounds.recordChars());
                NearDuplicates near = new NearDuplicates(spec.nearDuplicateThreshold());
                SplitWriter train = new SplitWriter(TRAIN, workDir, MAX_SHARD_BYTES);
                SplitWriter validation = new SplitWriter(VALIDATION, workDir, MAX_SHARD_BYTES)) {
            Consumer<TokenizedSequence> toTrain = train::write;
            Consumer<TokenizedSequence> toValidation = validation::write;
            Packer trainPacker = spec.pack() ? new Packer(spec.maxSeqLength(), toTrain) : null;
            Packer validationPacker = spec.pack() ? new Packer(spec.maxSeqLength(), toValidation) : null;
            while (records.hasNext()) {
                RawRecord raw = records.next();
                if (counts.recordsIn >= bounds.records()) {
                    throw new DatasetException(
                            ErrorCodes.INVALID_INPUT,
                            sourceName + " has more than " + bounds.records()
                                    + " records (lora.limits.dataset-records): split it into several runs, sample"
                                    + " it, or raise the limit (deduplication keeps about 210 bytes per record)");
                }
                counts.recordsIn++;
                if (counts.recordsIn % CHECK_EVERY == 0) {
                    checkpoint.run();
                }
                Mapped mapped = mapper.map(raw);
                if (mapped.dropped()) {
                    counts.drop(mapped.dropReason(), mapped.detail());
                    continue;
                }
                Example example = mapped.example();
                String content = example.content();
                ContentHash hash = ContentHash.of(content);
                if (spec.deduplicate()) {
                    if (!exact.add(hash)) {
                        counts.duplicatesExact++;
                        continue;
                    }
                    if (near.isDuplicateElseAdd(content)) {
                        counts.duplicatesNear++;
                        continue;
                    }
                }
                List<TokenizedSequence> sequences = sequences(exampleTokenizer, example);
                if (sequences.isEmpty()) {
                    counts.drop(
                            DropReason.TOO_LONG,
                            "record " + raw.index() + " is longer than maxSeqLength " + spec.maxSeqLength()
                                    + " tokens");
                    continue;
                }
                for (TokenizedSequence s : sequences) {
                    if (s.trainableCount() == 0) {
                        throw new DatasetException(
                                ErrorCodes.INVALID_REQUEST,
                                "record " + raw.index() + " has no trained token (promptTemplate '"
                                        + spec.promptTemplate().wire() + "', maskPrompt " + spec.maskPrompt()
                                        + "): the template marks none of its text as the assistant's, so it would"
                                        + " teach nothing; fix the record or choose another promptTemplate");
                    }
                    endOfTurnTrained = endOfTurnTrained || trains(s, endOfTurn);
                }
                if (shown == null) {
                    shown = RenderedExamples.of(raw.index(), sequences.get(0), tokenizer);
                }
                counts.recordsOut++;
                long written = train.tokens + validation.tokens + tokens(sequences);
                if (written > bounds.tokens()) {
                    throw new DatasetException(
                            ErrorCodes.INVALID_INPUT,
                            "the prepared dataset would hold more than " + bounds.tokens() + " tokens (record "
                                    + raw.index() + "; lora.limits.dataset-tokens): the trainer holds its splits in"
                                    + " memory; use a part of the data, or raise the limit and the trainer's heap");
                }
                boolean toValidationSplit = hash.unit() < spec.validationFraction();
                if (toValidationSplit) {
                    validationExamples++;
                } else {
                    trainExamples++;
                }
                for (TokenizedSequence s : sequences) {
                    Packer packer = toValidationSplit ? validationPacker : trainPacker;
                    if (packer != null) {
                        packer.add(s);
                    } else {
                        (toValidationSplit ? toValidation : toTrain).accept(s);
                    }
                }
            }
            if (trainPacker != null) {
                trainPacker.flush();
                validationPacker.flush();
            }
            check(counts, trainExamples);
            if (!endOfTurnTrained) {
                throw new DatasetException(ErrorCodes.INVALID_REQUEST, neverTrained(endOfTurn));
            }
            train.close();
            validation.close();
            List<Path> files = new ArrayList<>(train.files());
            files.addAll(validation.files());
            DatasetManifest manifest = new DatasetManifest(
                    counts.recordsIn(),
                    counts.recordsOut(),
                    counts.dropped(),
                    counts.duplicatesExact(),
                    counts.duplicatesNear(),
                    trainExamples,
                    validationExamples,
                    train.tokens,
                    validation.tokens,
                    Math.max(train.longest, validation.longest),
                    spec.promptTemplate().wire(),
                    tokenizer.sha256(),
                    tokenizer.decodeWithSpecialTokens(new int[] {endOfTurn}),
                    shown);
            Optional<String> chatTemplate =
                    spec.format() == DatasetFormat.TEXT ? Optional.empty() : Optional.of(template.chatTemplate());
            return new Result(manifest, files, counts, chatTemplate);
        }
    }

    /**
     * The id of the token that ends a turn: the tokenizer's EOS (documents, built-in templates), or the
     * first token of what the chat template writes after an answer.
     */
    private int endOfTurnId() {
        Optional<String> text = spec.format() == DatasetFormat.TEXT ? Optional.empty() : template.endOfTurn();
        if (text.isPresent()) {
            return tokenizer.encode(text.get(), false)[0];
        }
        if (tokenizer.eosId() < 0) {
            throw new DatasetException(
                    ErrorCodes.INVALID_INPUT,
                    "the base model's tokenizer has no EOS token (eos_token_id in config.json or eos_token in"
                            + " tokenizer_config.json), which promptTemplate '"
                            + spec.promptTemplate().wire()
                            + "' writes after every response: add it to the model, or use promptTemplate 'model'"
                            + " with a chat template that ends each turn");
        }
        return tokenizer.eosId();
    }

    /** Whether {@code id} is a trained label somewhere in {@code s}. */
    private static boolean trains(TokenizedSequence s, int id) {
        for (int i = 0; i < s.length(); i++) {
            if (s.trainable()[i] && s.ids()[i] == id) {
                return true;
            }
        }
        return false;
    }

    private String neverTrained(int endOfTurn) {
        String token = tokenizer.decodeWithSpecialTokens(new int[] {endOfTurn});
        return "the token that ends an assistant turn, '" + token + "' (id " + endOfTurn + "), is trained in no"
                + " example, so the tuned model would not learn to stop: "
                + (spec.truncate()
                        ? "dataset.truncate cut it from every example; raise dataset.maxSeqLength or shorten the"
                                + " records"
                        : spec.promptTemplate() == PromptTemplate.MODEL
                                ? "the base model's chat_template does not write it inside the assistant's turn;"
                                        + " choose a built-in promptTemplate (alpaca, chatml, llama2-chat, plain)"
                                : "check the tokenizer's EOS token and the promptTemplate");
    }

    /** The sequences of one example: one (possibly truncated), none when too long, windows for documents. */
    private List<TokenizedSequence> sequences(ExampleTokenizer exampleTokenizer, Example example) {
        List<Segment> segments = template.apply(example);
        if (!example.isDocument() && length(segments) > tooLongChars) {
            if (!spec.truncate()) {
                return List.of(); // too long, known without tokenizing it
            }
            // the first maxSeqLength tokens lie well inside the first tooLongChars characters
            segments = cut(segments, tooLongChars);
        }
        TokenizedSequence s = exampleTokenizer.tokenize(segments);
        int max = spec.maxSeqLength();
        if (s.length() <= max) {
            return List.of(s);
        }
        if (example.isDocument()) {
            List<TokenizedSequence> windows = new ArrayList<>();
            for (int from = 0; from < s.length() - 1; from += max) {
                windows.add(slice(s, from, Math.min(s.length(), from + max)));
            }
            return windows;
        }
        if (spec.truncate()) {
            TokenizedSequence cut = slice(s, 0, max);
            return cut.trainableCount() > 0 ? List.of(cut) : List.of();
        }
        return List.of();
    }

    private static long tokens(List<TokenizedSequence> sequences) {
        long n = 0;
        for (TokenizedSequence s : sequences) {
            n += s.length();
        }
        return n;
    }

    private static long length(List<Segment> segments) {
        long n = 0;
        for (Segment s : segments) {
            n += s.text().length();
        }
        return n;
    }

    /** The segments within the first {@code chars} characters of text; the one that straddles is cut. */
    static List<Segment> cut(List<Segment> segments, long chars) {
        List<Segment> out = new ArrayList<>();
        long left = chars;
        for (Segment s : segments) {
            if (s.text().length() <= left) {
                out.add(s);
                left -= s.text().length();
                continue;
            }
            String text = s.text().substring(0, (int) left);
            if (!text.isEmpty() && Character.isHighSurrogate(text.charAt(text.length() - 1))) {
                text = text.substring(0, text.length() - 1); // never half a character
            }
            out.add(new Segment(s.kind(), text, s.trainable()));
            break;
        }
        return out;
    }

    private static TokenizedSequence slice(TokenizedSequence s, int from, int to) {
        return new TokenizedSequence(
                Arrays.copyOfRange(s.ids(), from, to), Arrays.copyOfRange(s.trainable(), from, to), new int[] {0});
    }

    private void check(CurationCounts counts, long trainExamples) {
        String format = "dataset.format is '" + spec.format().wire() + "'";
        if (counts.recordsIn() == 0) {
            throw new DatasetException(
                    ErrorCodes.INVALID_INPUT,
                    "the dataset holds no record: upload a JSON array" + " or JSONL file with at least one record");
        }
        if (counts.bad() > spec.maxBadFraction() * counts.recordsIn()) {
            throw new DatasetException(
                    ErrorCodes.INVALID_INPUT,
                    String.format(
                            "%d of %d records (%.1f%%) are malformed or empty, more than dataset.maxBadFraction %.0f%%: %s."
                                    + " Is the format right (%s)? Fix these records or raise maxBadFraction.",
                            counts.bad(),
                            counts.recordsIn(),
                            100.0 * counts.bad() / counts.recordsIn(),
                            100 * spec.maxBadFraction(),
                            String.join("; ", counts.examples()),
                            format));
        }
        if (counts.recordsOut() == 0) {
            throw new DatasetException(
                    ErrorCodes.INVALID_INPUT,
                    "no record is left after curation (" + counts.recordsIn() + " in, dropped " + counts.dropped()
                            + ", exact duplicates "
                            + counts.duplicatesExact() + ", near duplicates " + counts.duplicatesNear() + "): "
                            + String.join("; ", counts.examples())
                            + (counts.dropped().containsKey(DropReason.TOO_LONG)
                                    ? "; raise dataset.maxSeqLength or set dataset.truncate"
                                    : ""));
        }
        if (trainExamples == 0) {
            throw new DatasetException(
                    ErrorCodes.INVALID_INPUT,
                    "every kept record went to validation: lower" + " dataset.validationFraction or add records");
        }
    }
}
