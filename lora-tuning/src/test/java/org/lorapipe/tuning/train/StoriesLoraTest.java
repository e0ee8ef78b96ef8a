package org.lorapipe.tuning.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lorapipe.contract.dataset.TokenizedSequence;
import org.lorapipe.contract.request.LoraSpec;
import org.lorapipe.contract.request.OptimizerType;
import org.lorapipe.contract.request.SchedulerType;
import org.lorapipe.contract.request.TrainingSpec;
import org.lorapipe.model.LlamaModel;
import org.lorapipe.model.tokenizer.TextTokenizer;
import org.lorapipe.model.tokenizer.Tokenizers;
import org.lorapipe.tuning.Fixtures;
import org.lorapipe.tuning.lora.LoraAdapters;
import org.lorapipe.tuning.lora.LoraPlan;

/** The real pretrained stories260K learns a small instruction-like pattern with LoRA. */
class StoriesLoraTest {

    private static final String[] NAMES = {"Lily", "Tom", "Sam", "Mia", "Ben", "Anna", "Max", "Sue"};
    private static final String[] COLORS = {"red", "blue", "green", "yellow", "pink", "brown", "white", "black"};

    /** "Q: What color is Lily's ball? It is red. A:" -> " red." (only the answer counts). */
    private static List<TokenizedSequence> examples(TextTokenizer tok, boolean validation) {
        List<TokenizedSequence> out = new ArrayList<>();
        for (int n = 0; n < NAMES.length; n++) {
            for (int c = 0; c < COLORS.length; c++) {
                if (((n + c) % 4 == 0) != validation) {
                    continue;
                }
                String prompt = NAMES[n] + " had a " + COLORS[c] + " ball. What color was the ball? The ball was";
                String full = prompt + " " + COLORS[c] + ".";
                int[] p = tok.encode(prompt, true);
                int[] f = tok.encode(full, true);
                int[] ids = java.util.Arrays.copyOf(f, f.length + 1);
                ids[f.length] = tok.eosId();
                boolean[] trainable = new boolean[ids.length];
                for (int i = p.length; i < ids.length; i++) {
                    trainable[i] = true;
                }
                out.add(new TokenizedSequence(ids, trainable, new int[] {0}));
            }
        }
        return out;
    }

    @Test
    void loraOnAllLinearLowersTheValidationLoss() {
        try (TextTokenizer tok = Tokenizers.load(Fixtures.tok512());
                LlamaModel model = LlamaModel.fromLlama2c(Fixtures.storiesBin(), Device.cpu())) {
            List<TokenizedSequence> train = examples(tok, false);
            List<TokenizedSequence> val = examples(tok, true);
            assertThat(train).hasSize(48);
            assertThat(val).hasSize(16);
            LoraSpec lora = new LoraSpec(
                    8, 16, 0.05, List.of(LoraSpec.ALL_LINEAR), java.util.Map.of(), java.util.Map.of(), false);
            TrainingSpec spec = new TrainingSpec(
                    OptimizerType.ADAMW, 3e-3, 0.01, 0.9, SchedulerType.COSINE, 5, 100, 60, 8, 1, 1.0, 42, 0, false);
            try (LoraAdapters adapters = LoraAdapters.attach(model, LoraPlan.resolve(lora, model.linears()), 42);
                    Trainer trainer = Trainer.forAdapters(adapters, spec)) {
                double before = trainer.evaluate(val, 16);
                TrainingResult r = trainer.train(train, TrainingListener.NONE);
                double after = trainer.evaluate(val, 16);
                assertThat(r.steps()).isEqualTo(60);
                assertThat(after).as("validation loss %s -> %s", before, after).isLessThan(before * 0.5);
                assertThat(r.losses().get(59).loss())
                        .isLessThan(r.losses().get(0).loss());
            }
        }
    }
}
