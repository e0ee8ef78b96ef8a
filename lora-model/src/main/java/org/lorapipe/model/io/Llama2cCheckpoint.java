package org.lorapipe.model.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lorapipe.model.LlamaConfig;
import org.lorapipe.model.ModelFormatException;

/**
 * A llama2.c legacy checkpoint ({@code run.c} format) seen under Hugging Face tensor names.
 *
 * <p>Layout: 7 little-endian int32 (dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size,
 * seq_len; a negative vocab_size means a separate classifier), then fp32 tensors stacked over layers,
 * row-major [out, in]: token_embedding, rms_att, wq, wk, wv, wo, rms_ffn, w1, w2, w3, rms_final,
 * freq_cis_real, freq_cis_imag, [wcls].
 *
 * <p>run.c rotates adjacent pairs (i, i+1); HF Llama rotates halves (i, i + hs/2). As in the HF
 * conversion script, the rows of wq and wk are permuted per head:
 * {@code w.view(heads, hs/2, 2, dim).transpose(1, 2).reshape(out, dim)}.
 */
public final class Llama2cCheckpoint implements TensorSource {

    private static final int HEADER_BYTES = 28;
    private static final int MAGIC_V1 = 0x616b3432; // "ak42": llama2.c version 1/2 exports

    /** Header limits far above any real model, which keep the size arithmetic exact. */
    static final int MAX_WIDTH = 1 << 20;

    static final int MAX_LAYERS = 1 << 12;
    static final int MAX_TOKENS = 1 << 22;

    private final Path file;
    private final FileChannel channel;
    private final LlamaConfig config;
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    /** Where an HF tensor sits in the file, and whether its rows need the RoPE permutation. */
    private record Entry(TensorInfo info, long byteOffset, int permuteHeads) {}

    private Llama2cCheckpoint(Path file, FileChannel channel, LlamaConfig config) {
        this.file = file;
        this.channel = channel;
        this.config = config;
    }

    public static Llama2cCheckpoint open(Path file) {
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new ModelFormatException("llama2.c checkpoint not found: " + file);
        } catch (IOException e) {
            throw new ModelFormatException("cannot open llama2.c checkpoint " + file + ": " + e.getMessage(), e);
        }
        try {
            return parse(file, ch);
        } catch (RuntimeException e) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // already failing
            }
            throw e;
        }
    }

    private static Llama2cCheckpoint parse(Path file, FileChannel ch) {
        long size;
        try {
            size = ch.size();
        } catch (IOException e) {
            throw new ModelFormatException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (size < HEADER_BYTES) {
            throw new ModelFormatException(file + ": " + size + " bytes is too short for a llama2.c checkpoint"
                    + " (expected a 28-byte header of 7 int32)");
        }
        ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        SafetensorsFile.readFully(ch, h, 0, file);
        int dim = h.getInt(0);
        if (dim == MAGIC_V1) {
            throw new ModelFormatException(file + ": llama2.c version 1/2 export (magic \"ak42\") is not supported;"
                    + " export with the legacy format (export.py --version 0)");
        }
        int hidden = h.getInt(4);
        int layers = h.getInt(8);
        int heads = h.getInt(12);
        int kvHeads = h.getInt(16);
        int vocabRaw = h.getInt(20);
        int seqLen = h.getInt(24);
        boolean shared = vocabRaw > 0;
        int vocab = Math.abs(vocabRaw);
        List<String> bad = new ArrayList<>();
        if (dim <= 0 || hidden <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0 || vocab <= 0 || seqLen <= 0) {
            bad.add("non-positive field");
        } else if (dim > MAX_WIDTH
                || hidden > MAX_WIDTH
                || layers > MAX_LAYERS
                || vocab > MAX_TOKENS
                || seqLen > MAX_TOKENS) {
            // also keeps every size computed from the header (4 x layers x dim x hidden) inside 64 bits
            bad.add("a field past the limits (dim and hidden_dim " + MAX_WIDTH + ", n_layers " + MAX_LAYERS
                    + ", vocab_size and seq_len " + MAX_TOKENS + ")");
        } else if (dim % heads != 0 || heads % kvHeads != 0 || (dim / heads) % 2 != 0) {
            bad.add("dim must divide into an even head size and n_heads into n_kv_heads");
        }
        if (!bad.isEmpty()) {
            throw new ModelFormatException(file + ": implausible llama2.c header dim=" + dim + " hidden_dim=" + hidden
                    + " n_layers=" + layers + " n_heads=" + heads + " n_kv_heads=" + kvHeads + " vocab_size="
                    + vocabRaw + " seq_len=" + seqLen + " (" + bad.get(0) + "); not a legacy llama2.c .bin file?");
        }
        LlamaConfig config = LlamaConfig.llama(dim, hidden, layers, heads, kvHeads, vocab, seqLen, shared);
        Llama2cCheckpoint c = new Llama2cCheckpoint(file, ch, config);
        c.layout(size);
        return c;
    }

    private void layout(long fileSize) {
        int d = config.hiddenSize();
        int hs = config.headDim();
        int kv = config.kvDim();
        int hid = config.intermediateSize();
        int layers = config.numHiddenLayers();
        long off = HEADER_BYTES;
        off = add("model.embed_tokens.weight", off, 0, config.vocabSize(), d);
        long rmsAtt = off;
        off += 4L * layers * d;
        long wq = off;
        off += 4L * layers * d * d;
        long wk = off;
        off += 4L * layers * kv * d;
        long wv = off;
        off += 4L * layers * kv * d;
        long wo = off;
        off += 4L * layers * d * d;
        long rmsFfn = off;
        off += 4L * layers * d;
        long w1 = off;
        off += 4L * layers * hid * d;
        long w2 = off;
        off += 4L * layers * d * hid;
        long w3 = off;
        off += 4L * layers * hid * d;
        for (int i = 0; i < layers; i++) {
            String p = "model.layers." + i + ".";
            add(p + "input_layernorm.weight", rmsAtt + 4L * i * d, 0, d);
            add(p + "self_attn.q_proj.weight", wq + 4L * i * d * d, config.numAttentionHeads(), d, d);
            add(p + "self_attn.k_proj.weight", wk + 4L * i * kv * d, config.numKeyValueHeads(), kv, d);
            add(p + "self_attn.v_proj.weight", wv + 4L * i * kv * d, 0, kv, d);
            add(p + "self_attn.o_proj.weight", wo + 4L * i * d * d, 0, d, d);
            add(p + "post_attention_layernorm.weight", rmsFfn + 4L * i * d, 0, d);
            add(p + "mlp.gate_proj.weight", w1 + 4L * i * hid * d, 0, hid, d);
            add(p + "mlp.down_proj.weight", w2 + 4L * i * d * hid, 0, d, hid);
            add(p + "mlp.up_proj.weight", w3 + 4L * i * hid * d, 0, hid, d);
        }
        off = add("model.norm.weight", off, 0, d);
        off += 2L * 4L * config.maxPositionEmbeddings() * (hs / 2); // freq_cis_real, freq_cis_imag: unused
        if (!config.tieWordEmbeddings()) {
            off = add("lm_head.weight", off, 0, config.vocabSize(), d);
        }
        if (fileSize != off) {
            throw new ModelFormatException(file + ": llama2.c header (dim=" + d + ", layers=" + layers + ", vocab="
                    + config.vocabSize() + (config.tieWordEmbeddings() ? ", shared classifier" : ", own classifier")
                    + ") implies " + off + " bytes but the file has " + fileSize
                    + (fileSize < off ? " bytes: it is truncated" : " bytes: the header does not match the data"));
        }
    }

    private long add(String name, long byteOffset, int permuteHeads, long... shape) {
        TensorInfo info =
                new TensorInfo(name, DType.F32, shape, byteOffset, byteOffset + 4 * TensorInfo.elementCount(shape));
        entries.put(name, new Entry(info, byteOffset, permuteHeads));
        return info.end();
    }

    public LlamaConfig config() {
        return config;
    }

    public Path file() {
        return file;
    }

    @Override
    public List<String> names() {
        return List.copyOf(entries.keySet());
    }

    @Override
    public boolean contains(String name) {
        return entries.containsKey(name);
    }

    @Override
    public TensorInfo info(String name) {
        return entry(name).info();
    }

    private Entry entry(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new ModelFormatException(file + ": llama2.c checkpoint has no tensor '" + name + "'");
        }
        return e;
    }

    @Override
    public NDArray load(String name, NDManager manager) {
        Entry e = entry(name);
        long[] shape = e.info().shape();
        NDArray raw = SafetensorsFile.loadFloat32(manager, shape, (first, count, dst) -> {
            ByteBuffer view = dst.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            view.limit(count * 4);
            SafetensorsFile.readFully(channel, view, e.byteOffset() + 4 * first, file);
        });
        if (e.permuteHeads() == 0) {
            return raw;
        }
        try (raw) {
            long heads = e.permuteHeads();
            long rows = shape[0];
            long cols = shape[1];
            // [heads * hs, D] -> [heads, hs/2, 2, D] -> [heads, 2, hs/2, D] -> [heads * hs, D]
            try (NDArray split = raw.reshape(heads, rows / heads / 2, 2, cols);
                    NDArray swapped = split.transpose(0, 2, 1, 3)) {
                return swapped.reshape(rows, cols);
            }
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
