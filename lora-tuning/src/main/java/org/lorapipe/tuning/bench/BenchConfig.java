package org.lorapipe.tuning.bench;

import java.util.List;
import java.util.Map;
import org.lorapipe.contract.request.LoraSpec;

/**
 * One training configuration of the benchmarks: what is trained (LoRA on an fp32 base, QLoRA on an NF4
 * base, or every weight), on which modules, with or without gradient checkpointing. r 8, alpha 16,
 * dropout 0.05, as the PyTorch reference script's defaults.
 */
public record BenchConfig(String key, String label, Mode mode, List<String> targets, boolean checkpointing) {

    public enum Mode {
        LORA,
        QLORA,
        FULL
    }

    public static final List<String> QV = List.of("q_proj", "v_proj");
    public static final List<String> ALL = List.of(LoraSpec.ALL_LINEAR);

    public static final BenchConfig LORA_QV = new BenchConfig("lora-qv", "LoRA r8 q,v", Mode.LORA, QV, false);
    public static final BenchConfig QLORA_QV =
            new BenchConfig("qlora-qv", "QLoRA nf4+dq r8 q,v", Mode.QLORA, QV, false);
    public static final BenchConfig LORA_QV_CKPT =
            new BenchConfig("lora-qv-ckpt", "LoRA r8 q,v + checkpointing", Mode.LORA, QV, true);
    public static final BenchConfig QLORA_QV_CKPT =
            new BenchConfig("qlora-qv-ckpt", "QLoRA nf4+dq r8 q,v + checkpointing", Mode.QLORA, QV, true);
    public static final BenchConfig LORA_ALL = new BenchConfig("lora-all", "LoRA r8 all-linear", Mode.LORA, ALL, false);
    public static final BenchConfig QLORA_ALL =
            new BenchConfig("qlora-all", "QLoRA nf4+dq r8 all-linear", Mode.QLORA, ALL, false);
    public static final BenchConfig FULL_FT = new BenchConfig("full", "full fine-tuning", Mode.FULL, List.of(), false);

    /** Every configuration, in the order they are printed. */
    public static final List<BenchConfig> ALL_CONFIGS =
            List.of(LORA_QV, QLORA_QV, LORA_QV_CKPT, QLORA_QV_CKPT, LORA_ALL, QLORA_ALL, FULL_FT);

    /** The configurations the PyTorch reference can run too (it has no NF4 and no checkpointing). */
    public static final List<BenchConfig> COMPARABLE = List.of(LORA_QV, LORA_ALL, FULL_FT);

    /** The configurations named by comma-separated keys ({@code lora-qv,full}); every one when blank. */
    public static List<BenchConfig> select(String keys) {
        if (keys == null || keys.isBlank()) {
            return ALL_CONFIGS;
        }
        List<BenchConfig> out = new java.util.ArrayList<>();
        for (String k : keys.split(",")) {
            out.add(ALL_CONFIGS.stream()
                    .filter(c -> c.key().equals(k.strip()))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no benchmark configuration '" + k.strip()
                            + "'; the configurations are "
                            + ALL_CONFIGS.stream().map(BenchConfig::key).toList())));
        }
        return out;
    }

    public LoraSpec loraSpec() {
        return new LoraSpec(8, 16, 0.05, targets, Map.of(), Map.of(), false);
    }

    /** The reference script's arguments for this configuration (comparable ones only). */
    public List<String> torchArgs() {
        if (mode == Mode.FULL) {
            return List.of("--full");
        }
        if (mode != Mode.LORA || checkpointing) {
            throw new IllegalStateException(label + " has no PyTorch reference");
        }
        return List.of("--targets", targets.equals(ALL) ? "all-linear" : String.join(",", targets));
    }
}
