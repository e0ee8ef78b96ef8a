package org.lorapipe.model.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a llama2.c tokenizer as an equivalent Hugging Face {@code tokenizer.json} (Llama-style BPE with
 * byte fallback) and {@code tokenizer_config.json}.
 *
 * <p>Equivalence with run.c: the normalizer prepends "▁" to non-empty text and maps " " to "▁" (the
 * dummy prefix); characters missing from the vocabulary fall back to {@code <0xNN>} tokens; and the
 * merges are every split of every token into two vocabulary tokens, ranked by the merged token's score
 * descending. run.c merges the pair whose concatenation scores highest; HF BPE applies the pair of
 * lowest rank; with this ranking both pick the same merge at every step.
 */
public final class Llama2cTokenizerExport {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String SPACE = "\u2581";
    private static final String[] SPECIAL = {"<unk>", "<s>", "</s>"};

    private Llama2cTokenizerExport() {}

    /** Writes tokenizer.json and tokenizer_config.json into {@code dir}. */
    public static void write(Llama2cTokenizer tok, Path dir, int modelMaxLength) throws IOException {
        Files.writeString(dir.resolve("tokenizer.json"), JSON.writeValueAsString(tokenizerJson(tok)) + "\n");
        Files.writeString(
                dir.resolve("tokenizer_config.json"), JSON.writeValueAsString(tokenizerConfig(modelMaxLength)) + "\n");
    }

    /** The HF vocabulary string of a token: specials renamed, spaces as "▁". */
    static String hfPiece(Llama2cTokenizer tok, int id) {
        if (id < SPECIAL.length) {
            return SPECIAL[id];
        }
        if (tok.isByteToken(id)) {
            return tok.piece(id);
        }
        return tok.piece(id).replace(" ", SPACE);
    }

    public static ObjectNode tokenizerJson(Llama2cTokenizer tok) {
        int v = tok.vocabSize();
        Map<String, Integer> vocab = new HashMap<>();
        String[] hf = new String[v];
        for (int i = 0; i < v; i++) {
            hf[i] = hfPiece(tok, i);
            if (vocab.putIfAbsent(hf[i], i) != null) {
                throw new IllegalStateException("token " + i + " '" + hf[i] + "' duplicates token " + vocab.get(hf[i])
                        + "; cannot express this vocabulary as tokenizer.json");
            }
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int i = 0; i < SPECIAL.length; i++) {
            ObjectNode t = added.addObject();
            t.put("id", i);
            t.put("content", SPECIAL[i]);
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", false);
            t.put("special", true);
        }
        ObjectNode norm = root.putObject("normalizer");
        norm.put("type", "Sequence");
        ArrayNode norms = norm.putArray("normalizers");
        norms.addObject().put("type", "Prepend").put("prepend", SPACE);
        ObjectNode replace = norms.addObject().put("type", "Replace");
        replace.putObject("pattern").put("String", " ");
        replace.put("content", SPACE);
        root.putNull("pre_tokenizer");
        root.set("post_processor", postProcessor());
        ObjectNode dec = root.putObject("decoder");
        dec.put("type", "Sequence");
        ArrayNode decs = dec.putArray("decoders");
        ObjectNode unspace = decs.addObject().put("type", "Replace");
        unspace.putObject("pattern").put("String", SPACE);
        unspace.put("content", " ");
        decs.addObject().put("type", "ByteFallback");
        decs.addObject().put("type", "Fuse");
        decs.addObject()
                .put("type", "Strip")
                .put("content", " ")
                .put("start", 1)
                .put("stop", 0);
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.put("unk_token", "<unk>");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", true);
        model.put("byte_fallback", true);
        model.put("ignore_merges", false);
        ObjectNode vocabNode = model.putObject("vocab");
        for (int i = 0; i < v; i++) {
            vocabNode.put(hf[i], i);
        }
        ArrayNode merges = model.putArray("merges");
        for (String[] m : merges(tok, hf, vocab)) {
            merges.addArray().add(m[0]).add(m[1]);
        }
        return root;
    }

    /** Every (left, right) whose concatenation is a regular token, highest merged score first. */
    static List<String[]> merges(Llama2cTokenizer tok, String[] hf, Map<String, Integer> vocab) {
        record Merge(String left, String right, int id, float score, int split) {}
        List<Merge> all = new ArrayList<>();
        for (int id = Llama2cTokenizer.BYTE_OFFSET + 256; id < hf.length; id++) {
            String s = hf[id];
            int[] cps = s.codePoints().toArray();
            int offset = 0;
            for (int k = 1; k < cps.length; k++) {
                offset += Character.charCount(cps[k - 1]);
                String left = s.substring(0, offset);
                String right = s.substring(offset);
                Integer l = vocab.get(left);
                Integer r = vocab.get(right);
                if (l != null && r != null && l >= SPECIAL.length && r >= SPECIAL.length) {
                    all.add(new Merge(left, right, id, tok.score(id), k));
                }
            }
        }
        all.sort(Comparator.comparingDouble((Merge m) -> -m.score())
                .thenComparingInt(Merge::id)
                .thenComparingInt(Merge::split));
        return all.stream().map(m -> new String[] {m.left(), m.right()}).toList();
    }

    private static ObjectNode postProcessor() {
        ObjectNode pp = JSON.createObjectNode();
        pp.put("type", "TemplateProcessing");
        ArrayNode single = pp.putArray("single");
        single.addObject().putObject("SpecialToken").put("id", "<s>").put("type_id", 0);
        single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        ArrayNode pair = pp.putArray("pair");
        pair.addObject().putObject("SpecialToken").put("id", "<s>").put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        pair.addObject().putObject("SpecialToken").put("id", "<s>").put("type_id", 1);
        pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
        ObjectNode bos = pp.putObject("special_tokens").putObject("<s>");
        bos.put("id", "<s>");
        bos.putArray("ids").add(Llama2cTokenizer.BOS);
        bos.putArray("tokens").add("<s>");
        return pp;
    }

    static ObjectNode tokenizerConfig(int modelMaxLength) {
        ObjectNode c = JSON.createObjectNode();
        c.put("tokenizer_class", "LlamaTokenizerFast");
        c.put("add_bos_token", true);
        c.put("add_eos_token", false);
        c.put("bos_token", "<s>");
        c.put("eos_token", "</s>");
        c.put("unk_token", "<unk>");
        c.putNull("pad_token");
        c.put("model_max_length", modelMaxLength);
        c.put("clean_up_tokenization_spaces", false);
        c.put("legacy", true);
        return c;
    }
}
