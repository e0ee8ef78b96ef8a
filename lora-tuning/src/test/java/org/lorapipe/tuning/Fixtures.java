package org.lorapipe.tuning;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.lorapipe.contract.dataset.TokenizedSequence;
import org.lorapipe.contract.request.LoraSpec;
import org.lorapipe.contract.request.OptimizerType;
import org.lorapipe.contract.request.SchedulerType;
import org.lorapipe.contract.request.TrainingSpec;
import org.lorapipe.model.LlamaConfig;
import org.lorapipe.model.LlamaModel;
import org.lorapipe.testkit.TestData;

/** Tiny models, specs and data shared by the tests. */
public final class Fixtures {

    private Fixtures() {}

    /** D=32, 4 query heads over 2 kv heads, 2 layers, V=50, untied head. */
    public static LlamaConfig tiny() {
        return LlamaConfig.llama(32, 48, 2, 4, 2, 50, 64, false);
    }

    public static LlamaConfig tinyTied() {
        return LlamaConfig.llama(32, 48, 2, 4, 2, 50, 64, true);
    }

    public static LlamaModel model(LlamaConfig c, long seed) {
        return LlamaModel.random(c, seed, Device.cpu());
    }

    public static LoraSpec lora(int r, double alpha, double dropout, List<String> targets) {
        return new LoraSpec(r, alpha, dropout, targets, Map.of(), Map.of(), false);
    }

    public static TrainingSpec training(
            OptimizerType opt, double lr, int micro, int accum, int epochs, int maxSteps, long seed) {
        return new TrainingSpec(
                opt, lr, 0.01, 0.9, SchedulerType.COSINE, 2, epochs, maxSteps, micro, accum, 1.0, seed, 0, false);
    }

    public static TrainingSpec withCheckpoints(TrainingSpec s, int every) {
        return with(s, every, s.gradientCheckpointing());
    }

    public static TrainingSpec withGradientCheckpointing(TrainingSpec s) {
        return with(s, s.checkpointEverySteps(), true);
    }

    private static TrainingSpec with(TrainingSpec s, int checkpointEvery, boolean gradientCheckpointing) {
        return new TrainingSpec(
                s.optimizer(),
                s.learningRate(),
                s.weightDecay(),
                s.momentum(),
                s.scheduler(),
                s.warmupSteps(),
                s.epochs(),
                s.maxSteps(),
                s.microBatchSize(),
                s.gradientAccumulationSteps(),
                s.gradClipNorm(),
                s.seed(),
                checkpointEvery,
                gradientCheckpointing);
    }

    /** Random sequences of varying length, prompt tokens not trainable (first third). */
    public static List<TokenizedSequence> sequences(int n, int minLen, int maxLen, int vocab, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<TokenizedSequence> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int len = r.nextInt(minLen, maxLen + 1);
            int[] ids = new int[len];
            boolean[] tr = new boolean[len];
            ids[0] = 1;
            for (int j = 1; j < len; j++) {
                // a learnable pattern: mostly the previous token + 1
                ids[j] = r.nextInt(4) == 0 ? r.nextInt(3, vocab) : 3 + (ids[j - 1] - 2) % (vocab - 3);
                tr[j] = j >= len / 3;
            }
            out.add(new TokenizedSequence(ids, tr, new int[] {0}));
        }
        return out;
    }

    public static float[] floats(NDArray a) {
        return a.toFloatArray();
    }

    /** Heap copies of every base weight. */
    public static Map<String, float[]> snapshot(LlamaModel model) {
        Map<String, float[]> out = new LinkedHashMap<>();
        model.weights().forEach((k, v) -> out.put(k, v.toFloatArray()));
        return out;
    }

    public static boolean sameBits(Map<String, float[]> a, Map<String, float[]> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        for (String k : a.keySet()) {
            float[] x = a.get(k);
            float[] y = b.get(k);
            if (x.length != y.length) {
                return false;
            }
            for (int i = 0; i < x.length; i++) {
                if (Float.floatToRawIntBits(x[i]) != Float.floatToRawIntBits(y[i])) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The test data (see {@link TestData}). */
    public static Path dataDir() {
        return TestData.root();
    }

    public static Path storiesBin() {
        return TestData.file("models/stories260K/stories260K.bin");
    }

    public static Path tok512() {
        return TestData.file("models/stories260K/tok512.bin");
    }

    public static String str(float[] a) {
        return Arrays.toString(Arrays.copyOf(a, Math.min(a.length, 8)));
    }
}
