package org.lorapipe.cli;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.lorapipe.contract.request.LoraSpec;
import org.lorapipe.contract.request.OptimizerType;
import org.lorapipe.contract.request.QuantizationSpec;
import org.lorapipe.contract.request.QuantizationType;
import org.lorapipe.contract.request.SchedulerType;
import org.lorapipe.contract.request.TrainingSpec;
import org.lorapipe.model.LlamaConfig;
import org.lorapipe.tuning.memory.ByteSize;
import org.lorapipe.tuning.memory.MemoryEstimate;
import org.lorapipe.tuning.memory.MemoryEstimator;
import org.lorapipe.tuning.memory.RunShape;

/**
 * {@code lora estimate --article}: the run the article measured at 17.86 GB ("Practical Tips for
 * Finetuning LLMs Using LoRA", S. Raschka: Llama 2 7B, QLoRA, r = 256, alpha = 512, LoRA on every linear
 * layer and the head, AdamW) estimated for this engine, and why the figures differ.
 */
final class ArticleEstimate {

    /** The article's figure: GPU memory of the 7B QLoRA run with r = 256, in GB. */
    static final double ARTICLE_GB = 17.86;

    /** Sequence lengths shown: the article does not give its own (Alpaca examples are mostly short). */
    static final List<Integer> LENGTHS = List.of(256, 512, 1024);

    private ArticleEstimate() {}

    /** Llama-2-7b-hf's config.json: 32 layers of 4096, MLP 11008, 32 heads (no GQA), vocabulary 32000, untied. */
    static LlamaConfig llama2_7b() {
        return LlamaConfig.llama(4096, 11008, 32, 32, 32, 32000, 4096, false);
    }

    /** The article's QLoRA run at micro-batch 1 and {@code tokens} per sequence. */
    static RunShape shape(int tokens) {
        LoraSpec lora =
                new LoraSpec(256, 512, 0.05, List.of(LoraSpec.ALL_LINEAR, "lm_head"), Map.of(), Map.of(), false);
        TrainingSpec training = new TrainingSpec(
                OptimizerType.ADAMW, 3e-4, 0.01, 0.9, SchedulerType.COSINE, 100, 1, 0, 1, 128, 1.0, 42, 50, false);
        return new RunShape(
                llama2_7b(),
                lora,
                new QuantizationSpec(QuantizationType.NF4, true, QuantizationSpec.DEFAULT_BLOCK_SIZE),
                training,
                tokens,
                false,
                true, // instruction data: each example its own length
                0,
                0);
    }

    static String render(MemoryEstimator estimator) {
        StringBuilder out = new StringBuilder();
        out.append("Llama 2 7B, QLoRA (NF4 + double quantization), LoRA r=256 alpha=512 on every linear layer\n")
                .append("and lm_head, AdamW, micro-batch 1 (the article: 17.86 GB on one GPU; it does not give\n")
                .append("its micro-batch or sequence length, so three lengths are shown):\n\n");
        out.append(String.format(
                Locale.ROOT,
                "  %-8s %10s %9s %22s %12s %14s %10s  %s%n",
                "tokens",
                "peak",
                "weights",
                "adapter+grads+AdamW",
                "AdamW step",
                "training step",
                "allocator",
                "the peak is in"));
        MemoryEstimate shortest = null;
        for (int tokens : LENGTHS) {
            MemoryEstimate e = estimator.estimate(shape(tokens));
            shortest = shortest == null ? e : shortest;
            out.append(String.format(
                    Locale.ROOT,
                    "  %-8d %10s %9s %22s %12s %14s %10s  %s%n",
                    tokens,
                    ByteSize.of(e.total()),
                    ByteSize.of(e.weights()),
                    ByteSize.of(e.adapter() + e.gradients() + e.optimizerState()),
                    ByteSize.of(e.optimizerStep()),
                    ByteSize.of(e.activations() + Math.max(e.logits(), e.workspace())),
                    ByteSize.of(e.allocator()),
                    e.phase().description()));
        }
        out.append("  (training step: the saved activations, and the loss chunk or the layer in flight)\n");
        double article = ARTICLE_GB * 1e9;
        out.append(String.format(
                Locale.ROOT,
                "%n  the article: %.2f GB = %s; here at %d tokens: %s (%.1fx)%n",
                ARTICLE_GB,
                ByteSize.of((long) article),
                LENGTHS.get(0),
                ByteSize.of(shortest.total()),
                shortest.total() / article));
        out.append(String.format(
                Locale.ROOT,
                "%nWhy they differ (trainable parameters: %,d, %.1f%% of the model):%n",
                shortest.trainableParameters(),
                100.0 * shortest.trainableParameters() / llama2_7b().parameterCount()));
        out.append("  - Precision. Here everything but the NF4 projections is fp32 (CPU, fp32 compute): the adapter,\n")
                .append("    its gradients and AdamW's two moments take 16 bytes per trainable parameter, the fp32\n")
                .append("    embeddings and lm_head 1 GiB, the activations 4 bytes a value. The article trained in\n")
                .append("    bf16 on a GPU: half of each.\n")
                .append(
                        "  - The optimizer step. Ours holds five fp32 temporaries per parameter until every parameter\n")
                .append("    is updated (the gradient's copy, (1-b1) g, g^2, sqrt(v), the update): at r=256 that\n")
                .append("    sets the peak at short sequences. bitsandbytes' AdamW updates each parameter in one\n")
                .append("    fused kernel, without temporaries.\n")
                .append("  - Paged optimizers (bitsandbytes, the article's QLoRA) move optimizer state to CPU memory\n")
                .append("    when the GPU runs short, so a GPU figure can leave part of it out. Here all memory is\n")
                .append("    one process's resident memory.\n")
                .append("  - What is counted: a GPU figure is tensors on the device (torch.cuda.max_memory_allocated\n")
                .append("    or nvidia-smi); ours is the process's resident memory, with the JVM, libtorch and the\n")
                .append("    allocator's free memory included.\n")
                .append("  - Activations: our QLoRA tape keeps each projection's output for the adapters' backward,\n")
                .append("    and attention is not fused: nh x T x T probabilities per layer (flash attention keeps\n")
                .append("    none), which is what grows with the sequence length above.\n")
                .append(
                        "Same run with smaller adapters: `lora estimate` on a request with lora.r 8 and the same model.\n");
        return out.toString();
    }
}
