package org.lorapipe.tuning.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.lorapipe.contract.dataset.TokenizedSequence;
import org.lorapipe.contract.request.QuantizationSpec;
import org.lorapipe.contract.request.QuantizationType;
import org.lorapipe.model.LlamaConfig;
import org.lorapipe.model.LlamaModel;
import org.lorapipe.model.testing.ModelFixtures;
import org.lorapipe.tuning.Fixtures;
import org.lorapipe.tuning.lora.LoraAdapters;
import org.lorapipe.tuning.lora.LoraPlan;
import org.lorapipe.tuning.nf4.QuantizedModels;

/** Training a Qwen3 model: its per-head q/k norms are in the trainer's forward, the tape and the NF4 path. */
class Qwen3TrainingTest {

    private static final List<TokenizedSequence> DATA = Fixtures.sequences(6, 6, 12, 50, 3);

    private static LlamaConfig qwen3() throws Exception {
        ObjectNode n = LlamaConfig.llama(32, 48, 2, 4, 2, 50, 64, true).toJson();
        n.putArray("architectures").add(LlamaConfig.QWEN3);
        n.put("model_type", "qwen3");
        n.put("head_dim", 16);
        Path dir = Files.createTempDirectory("qwen3-config");
        Files.writeString(dir.resolve("config.json"), n.toString());
        return LlamaConfig.read(dir.resolve("config.json"));
    }

    @Test
    void trainingLogitsEqualTheModelsOwn() throws Exception {
        try (LlamaModel model = LlamaModel.random(qwen3(), 2, Device.cpu());
                NDManager m = model.manager().newSubManager();
                CausalLm lm = new CausalLm(model)) {
            MicroBatch b = MicroBatch.of(m, DATA.subList(0, 1));
            float[] ours = lm.logits(b).toFloatArray();
            float[] ref = model.forward(b.ids(), null, null).toFloatArray();
            assertThat(ours).containsExactly(ref);
        }
    }

    @Test
    void everyBackwardGivesTheFullGraphGradientsOnFp32AndNf4() throws Exception {
        QuantizationSpec nf4 = new QuantizationSpec(QuantizationType.NF4, true, 16);
        for (boolean quantized : new boolean[] {false, true}) {
            try (LlamaModel model = quantized
                            ? QuantizedModels.random(qwen3(), 1, nf4, Device.cpu())
                            : LlamaModel.random(qwen3(), 1, Device.cpu());
                    LoraAdapters a = LoraAdapters.attach(
                            model,
                            LoraPlan.resolve(Fixtures.lora(4, 8, 0, List.of("all-linear")), model.linears()),
                            5);
                    CausalLm lm = new CausalLm(model);
                    NDManager m = model.manager().newSubManager()) {
                a.layers().values().forEach(l -> l.loraB()
                        .set(new float[(int) l.loraB().getShape().size()]));
                a.layers().values().forEach(l -> l.loraB().addi(0.05f)); // non-zero B: A gets gradients too
                Map<CausalLm.Backward, Double> losses = new LinkedHashMap<>();
                Map<CausalLm.Backward, Map<String, float[]>> grads = new LinkedHashMap<>();
                for (CausalLm.Backward how : CausalLm.Backward.values()) {
                    losses.put(how, lm.trainStep(MicroBatch.of(m, DATA.subList(0, 3)), 20, how, false));
                    Map<String, float[]> g = new LinkedHashMap<>();
                    for (TrainableParameter p : a.parameters()) {
                        try (var copy = Autograd.gradientCopy(p.value())) {
                            g.put(p.name(), copy.toFloatArray());
                        }
                        Autograd.zeroGradient(p.value());
                    }
                    grads.put(how, g);
                }
                Map<String, float[]> reference = grads.get(CausalLm.Backward.FULL_GRAPH);
                assertThat(reference.entrySet())
                        .as("the query adapters learn through the q norm")
                        .anyMatch(e -> e.getKey().contains("q_proj.lora_A")
                                && ModelFixtures.maxAbsDiff(e.getValue(), new float[e.getValue().length]) > 1e-6f);
                for (CausalLm.Backward how : CausalLm.Backward.values()) {
                    assertThat(losses.get(how))
                            .as(how + (quantized ? " nf4" : " fp32"))
                            .isCloseTo(losses.get(CausalLm.Backward.FULL_GRAPH), offset(1e-6));
                    for (String name : reference.keySet()) {
                        assertThat(ModelFixtures.maxAbsDiff(grads.get(how).get(name), reference.get(name)))
                                .as(how + " " + name + (quantized ? " nf4" : " fp32"))
                                .isLessThan(1e-5f);
                    }
                }
            }
        }
    }
}
