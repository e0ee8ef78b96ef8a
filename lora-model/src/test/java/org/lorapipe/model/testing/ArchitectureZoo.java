package org.lorapipe.model.testing;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.lorapipe.model.LlamaConfig;
import org.lorapipe.model.LlamaModel;

/**
 * One tiny config per supported architecture, written as the real models' config.json files are
 * (their field names and kinds of values, dimensions scaled down), so every test of "all
 * architectures" reads them through the same parser as an imported model. Each differs from Llama
 * where its family does, and enough that the difference shows in 7 tokens: windows of 3 or 4 keys,
 * soft caps near the values the random weights reach.
 */
public final class ArchitectureZoo {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A named config. */
    public record Entry(String name, LlamaConfig config) {
        @Override
        public String toString() {
            return name;
        }
    }

    private ArchitectureZoo() {}

    /** Every supported architecture, Phi-3's twice (Phi-4 mini turns only part of each head). */
    public static List<Entry> all() {
        return List.of(
                new Entry("llama-3.2", llama32()),
                new Entry("mistral", mistral()),
                new Entry("qwen2.5", qwen25()),
                new Entry("qwen3", qwen3()),
                new Entry("gemma-2", gemma2()),
                new Entry("phi-3", phi3()),
                new Entry("phi-4-mini", phi4Mini()));
    }

    /** Llama 3.2 1B's fields: tied head, GQA 4:2 (32:8 there), theta 500000, rope_scaling llama3. */
    public static LlamaConfig llama32() {
        return parse(
                """
                {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 32,
                 "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4,
                 "num_key_value_heads": 2, "head_dim": 8, "hidden_act": "silu", "rms_norm_eps": 1e-5,
                 "rope_theta": 500000.0, "vocab_size": 50, "tie_word_embeddings": true,
                 "max_position_embeddings": 64, "bos_token_id": 1, "eos_token_id": 2,
                 "attention_bias": false, "mlp_bias": false, "torch_dtype": "bfloat16",
                 "rope_scaling": {"rope_type": "llama3", "factor": 32.0, "low_freq_factor": 1.0,
                                  "high_freq_factor": 4.0, "original_max_position_embeddings": 16}}
                """);
    }

    /** Mistral 7B v0.1's fields: sliding_window (4096 there, 3 keys here), untied head. */
    public static LlamaConfig mistral() {
        return parse(
                """
                {"architectures": ["MistralForCausalLM"], "model_type": "mistral", "hidden_size": 32,
                 "intermediate_size": 56, "num_hidden_layers": 2, "num_attention_heads": 4,
                 "num_key_value_heads": 1, "hidden_act": "silu", "rms_norm_eps": 1e-5, "rope_theta": 10000.0,
                 "sliding_window": 3, "vocab_size": 50, "tie_word_embeddings": false,
                 "max_position_embeddings": 64, "bos_token_id": 1, "eos_token_id": 2, "torch_dtype": "bfloat16"}
                """);
    }

    /** Qwen2.5's fields: biases on q, k and v only, theta 1e6, tied head (as the small ones). */
    public static LlamaConfig qwen25() {
        return parse(
                """
                {"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "hidden_size": 32,
                 "intermediate_size": 48, "num_hidden_layers": 2, "num_attention_heads": 4,
                 "num_key_value_heads": 2, "hidden_act": "silu", "rms_norm_eps": 1e-6, "rope_theta": 1000000.0,
                 "sliding_window": 32, "use_sliding_window": false, "vocab_size": 50,
                 "tie_word_embeddings": true, "max_position_embeddings": 64, "bos_token_id": 1,
                 "eos_token_id": 2, "torch_dtype": "bfloat16"}
                """);
    }

    /** Qwen3's fields: q_norm/k_norm, head_dim 16 with 4 heads on D=32 (128 on 2048 there), no biases. */
    public static LlamaConfig qwen3() {
        return parse(
                """
                {"architectures": ["Qwen3ForCausalLM"], "model_type": "qwen3", "hidden_size": 32,
                 "intermediate_size": 48, "num_hidden_layers": 2, "num_attention_heads": 4,
                 "num_key_value_heads": 2, "head_dim": 16, "hidden_act": "silu", "rms_norm_eps": 1e-6,
                 "rope_theta": 1000000.0, "attention_bias": false, "vocab_size": 50,
                 "tie_word_embeddings": true, "max_position_embeddings": 64, "bos_token_id": 1,
                 "eos_token_id": 2, "torch_dtype": "bfloat16"}
                """);
    }

    /**
     * Gemma 2 2B's fields: gelu_pytorch_tanh, head_dim 16 with 4 heads on D=24 (256 x 8 on 2304 there),
     * query_pre_attn_scalar other than head_dim (as the 27B's 144), soft caps, sliding window on even
     * layers (3 layers so both kinds run), tied head by default.
     */
    public static LlamaConfig gemma2() {
        return parse(
                """
                {"architectures": ["Gemma2ForCausalLM"], "model_type": "gemma2", "hidden_size": 24,
                 "intermediate_size": 40, "num_hidden_layers": 3, "num_attention_heads": 4,
                 "num_key_value_heads": 2, "head_dim": 16, "hidden_act": "gelu_pytorch_tanh",
                 "hidden_activation": "gelu_pytorch_tanh", "query_pre_attn_scalar": 24,
                 "attn_logit_softcapping": 0.8, "final_logit_softcapping": 2.5, "sliding_window": 3,
                 "rms_norm_eps": 1e-6, "rope_theta": 10000.0, "vocab_size": 50,
                 "max_position_embeddings": 64, "bos_token_id": 2, "eos_token_id": 1, "attention_bias": false,
                 "torch_dtype": "bfloat16"}
                """);
    }

    /**
     * Phi-3 mini 128k's fields: fused qkv_proj and gate_up_proj, sliding_window (262144 there, 4 here),
     * untied head, longrope with short and long factors per frequency and original_max_position_embeddings
     * at the top level (4096 of 131072 there, 6 of 64 here: inputs longer than 6 tokens switch to the long
     * factors).
     */
    public static LlamaConfig phi3() {
        return parse(
                """
                {"architectures": ["Phi3ForCausalLM"], "model_type": "phi3", "hidden_size": 32,
                 "intermediate_size": 40, "num_hidden_layers": 2, "num_attention_heads": 4,
                 "num_key_value_heads": 4, "hidden_act": "silu", "rms_norm_eps": 1e-5, "rope_theta": 10000.0,
                 "rope_scaling": {"type": "longrope", "short_factor": [1.0, 1.05, 1.4, 2.1],
                                  "long_factor": [1.0, 1.9, 7.5, 24.0]},
                 "sliding_window": 4, "vocab_size": 50, "tie_word_embeddings": false,
                 "max_position_embeddings": 64, "original_max_position_embeddings": 6, "bos_token_id": 1,
                 "eos_token_id": 2, "embd_pdrop": 0.0, "resid_pdrop": 0.0, "attention_dropout": 0.0,
                 "torch_dtype": "bfloat16"}
                """);
    }

    /**
     * Phi-4 mini's fields (also Phi3ForCausalLM): partial_rotary_factor 0.75 (96 of 128 dimensions
     * there, 6 of 8 here), tied head, longrope with factors for the rotated dimensions only.
     */
    public static LlamaConfig phi4Mini() {
        return parse(
                """
                {"architectures": ["Phi3ForCausalLM"], "model_type": "phi3", "hidden_size": 32,
                 "intermediate_size": 48, "num_hidden_layers": 2, "num_attention_heads": 4,
                 "num_key_value_heads": 2, "hidden_act": "silu", "rms_norm_eps": 1e-5, "rope_theta": 10000.0,
                 "partial_rotary_factor": 0.75,
                 "rope_scaling": {"type": "longrope", "short_factor": [1.0, 1.2, 1.7],
                                  "long_factor": [1.0, 3.0, 9.0]},
                 "sliding_window": 262144, "vocab_size": 50, "tie_word_embeddings": true,
                 "max_position_embeddings": 64, "original_max_position_embeddings": 6, "bos_token_id": 1,
                 "eos_token_id": 2, "torch_dtype": "bfloat16"}
                """);
    }

    /**
     * A random model whose weights are large enough (std 0.2, norm gains around 1) that every part of
     * the forward moves the logits by more than rounding: soft caps bite, windows matter.
     */
    public static LlamaModel model(LlamaConfig c, long seed) {
        LlamaModel model = LlamaModel.random(c, seed, Device.cpu());
        int i = 0;
        for (Map.Entry<String, NDArray> e : model.weights().entrySet()) {
            NDArray w = e.getValue();
            if (e.getKey().endsWith("norm.weight")) {
                // gains 0.75 .. 1.25, different per tensor (a unit-offset norm then scales by 1.75 .. 2.25)
                w.muli(0.75f + 0.5f * ((i++ * 7) % 11) / 10f);
            } else {
                w.muli(10f);
            }
        }
        return model;
    }

    private static LlamaConfig parse(String json) {
        try {
            return LlamaConfig.fromJson((ObjectNode) JSON.readTree(json), "zoo config");
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
