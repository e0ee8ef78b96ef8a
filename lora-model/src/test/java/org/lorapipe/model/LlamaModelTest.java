package org.lorapipe.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lorapipe.model.io.NDArrayTensorSource;
import org.lorapipe.model.testing.ModelFixtures;

class LlamaModelTest {

    static LlamaModel model;
    NDManager m;

    @BeforeAll
    static void build() {
        model = TinyModels.random(TinyModels.gqa(), 11);
    }

    @AfterAll
    static void release() {
        model.close();
    }

    @BeforeEach
    void setUp() {
        DjlRuntime.inferenceMode();
        m = model.manager().newSubManager();
    }

    @AfterEach
    void tearDown() {
        m.close();
    }

    @Test
    void logitsHaveTheRightShapeAndLiveInTheCallersManager() {
        NDArray ids = TinyModels.ids(m, new int[] {1, 5, 9, 3}, new int[] {1, 2, 3, 4});
        NDArray logits = model.forward(ids, null, null);
        assertThat(logits.getShape()).isEqualTo(new Shape(2, 4, 50));
        assertThat(logits.getManager()).isSameAs(m);
        NDArray last = model.forwardLast(ids, null, null);
        assertThat(ModelFixtures.maxAbsDiff(last, logits.get(new NDIndex(":, -1, :"))))
                .isLessThan(1e-6f);
        // selected rows of the flattened [B*T] positions: (0, 2), (1, 0), (1, 3)
        NDArray rows = model.forwardRows(ids, null, m.create(new long[] {2, 4, 7}));
        assertThat(rows.getShape()).isEqualTo(new Shape(3, 50));
        NDArray expected = logits.reshape(8, 50).get(new NDIndex("{}", m.create(new long[] {2, 4, 7})));
        assertThat(ModelFixtures.maxAbsDiff(rows, expected)).isLessThan(1e-6f);
        assertThat(ModelFixtures.maxAbsDiff(rows.get(0), logits.get(0, 2))).isLessThan(1e-6f);
    }

    @Test
    void ropeIsARotationThatDependsOnlyOnRelativePosition() {
        RotaryEmbedding rope = new RotaryEmbedding(m, 8, 10000.0);
        NDArray q = m.randomNormal(new Shape(1, 1, 1, 8));
        NDArray k = m.randomNormal(new Shape(1, 1, 1, 8));
        float[] dots = new float[3];
        int[][] pairs = {{3, 1}, {7, 5}, {12, 10}};
        for (int i = 0; i < pairs.length; i++) {
            NDList qcs = rope.cosSin(m.create(new float[] {pairs[i][0]}).reshape(1, 1));
            NDList kcs = rope.cosSin(m.create(new float[] {pairs[i][1]}).reshape(1, 1));
            NDArray qr = rope.apply(q, qcs.get(0), qcs.get(1));
            NDArray kr = rope.apply(k, kcs.get(0), kcs.get(1));
            assertThat(qr.norm().getFloat()).isCloseTo(q.norm().getFloat(), org.assertj.core.data.Offset.offset(1e-5f));
            dots[i] = qr.mul(kr).sum().getFloat();
        }
        assertThat(dots[1]).isCloseTo(dots[0], org.assertj.core.data.Offset.offset(1e-4f));
        assertThat(dots[2]).isCloseTo(dots[0], org.assertj.core.data.Offset.offset(1e-4f));
        NDList zero = rope.cosSin(m.zeros(new Shape(1, 1)));
        assertThat(ModelFixtures.maxAbsDiff(rope.apply(q, zero.get(0), zero.get(1)), q))
                .isEqualTo(0f);
    }

    @Test
    void groupedQueryHeadsReadKvHeadHOverGroupSize() {
        // the same model with every kv head duplicated for its query heads must give identical logits
        LlamaConfig c = model.config();
        LlamaConfig full = LlamaConfig.llama(
                c.hiddenSize(),
                c.intermediateSize(),
                c.numHiddenLayers(),
                c.numAttentionHeads(),
                c.numAttentionHeads(),
                c.vocabSize(),
                c.maxPositionEmbeddings(),
                false);
        Map<String, NDArray> w = new LinkedHashMap<>(model.weights());
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            for (String p : List.of("k_proj", "v_proj")) {
                String name = "model.layers." + i + ".self_attn." + p + ".weight";
                NDArray kv = w.get(name).reshape(c.numKeyValueHeads(), c.headDim(), c.hiddenSize());
                w.put(name, kv.repeat(0, c.groupSize()).reshape(c.qDim(), c.hiddenSize())); // [k0,k0,k1,k1]
            }
        }
        try (LlamaModel mha = LlamaModel.create(full, new NDArrayTensorSource(w), Device.cpu())) {
            NDArray ids = TinyModels.ids(m, new int[] {1, 7, 8, 9, 10, 11});
            assertThat(ModelFixtures.maxAbsDiff(model.forward(ids, null, null), mha.forward(ids, null, null)))
                    .isLessThan(1e-5f);
        }
    }

    @Test
    void causalMaskHidesTheFuture() {
        NDArray a = model.forward(TinyModels.ids(m, new int[] {1, 4, 6, 8, 10}), null, null);
        NDArray b = model.forward(TinyModels.ids(m, new int[] {1, 4, 6, 30, 40}), null, null);
        assertThat(ModelFixtures.maxAbsDiff(a.get(":, :3, :"), b.get(":, :3, :")))
                .isLessThan(1e-6f);
        assertThat(ModelFixtures.maxAbsDiff(a.get(":, 3:, :"), b.get(":, 3:, :")))
                .isGreaterThan(1e-4f);
    }

    @Test
    void rightPaddedRowMatchesTheUnpaddedSequence() {
        int[] shortSeq = {1, 12, 13, 14};
        NDArray alone = model.forward(TinyModels.ids(m, shortSeq), null, null); // [1, 4, V]
        NDArray ids = TinyModels.ids(m, new int[] {1, 12, 13, 14, 0, 0}, new int[] {1, 2, 3, 4, 5, 6});
        NDArray mask = TinyModels.mask(m, new int[] {1, 1, 1, 1, 0, 0}, new int[] {1, 1, 1, 1, 1, 1});
        NDArray batch = model.forward(ids, mask, null);
        assertThat(ModelFixtures.maxAbsDiff(batch.get("0:1, :4, :"), alone)).isLessThan(1e-5f);
        NDArray other = model.forward(TinyModels.ids(m, new int[] {1, 2, 3, 4, 5, 6}), null, null);
        assertThat(ModelFixtures.maxAbsDiff(batch.get("1:2"), other)).isLessThan(1e-5f);
    }

    @Test
    void leftPaddedRowMatchesTheUnpaddedSequence() {
        int[] shortSeq = {1, 12, 13, 14};
        NDArray alone = model.forward(TinyModels.ids(m, shortSeq), null, null);
        NDArray ids = TinyModels.ids(m, new int[] {0, 0, 1, 12, 13, 14}, new int[] {1, 2, 3, 4, 5, 6});
        NDArray mask = TinyModels.mask(m, new int[] {0, 0, 1, 1, 1, 1}, new int[] {1, 1, 1, 1, 1, 1});
        NDArray batch = model.forward(ids, mask, null);
        assertThat(ModelFixtures.maxAbsDiff(batch.get("0:1, 2:, :"), alone)).isLessThan(1e-5f);
        assertThat(batch.isNaN().any().getBoolean()).isFalse();
    }

    @Test
    void kvCacheGivesTheSameLogitsAsTheFullSequence() {
        int[] seq = {1, 20, 21, 22, 23, 24, 25, 26};
        NDArray full = model.forward(TinyModels.ids(m, seq), null, null); // [1, 8, V]
        try (KvCache cache = model.newCache()) {
            NDArray first = model.forward(TinyModels.ids(m, new int[] {1, 20, 21}), null, cache);
            assertThat(ModelFixtures.maxAbsDiff(first, full.get(":, :3, :"))).isLessThan(1e-5f);
            for (int t = 3; t < seq.length; t++) {
                NDArray step = model.forward(TinyModels.ids(m, new int[] {seq[t]}), null, cache);
                assertThat(ModelFixtures.maxAbsDiff(step, full.get(":, " + t + ":" + (t + 1) + ", :")))
                        .as("position %d", t)
                        .isLessThan(1e-5f);
            }
            assertThat(cache.length()).isEqualTo(seq.length);
        }
    }

    @Test
    void kvCacheWithLeftPaddingMatchesTheUncachedBatch() {
        int[][] rows = {{0, 0, 1, 30, 31, 32}, {1, 40, 41, 42, 43, 44}};
        int[][] masks = {{0, 0, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 1}};
        NDArray full = model.forward(TinyModels.ids(m, rows), TinyModels.mask(m, masks), null);
        try (KvCache cache = model.newCache()) {
            int[][] pre = {{0, 0, 1, 30}, {1, 40, 41, 42}};
            int[][] preMask = {{0, 0, 1, 1}, {1, 1, 1, 1}};
            model.forward(TinyModels.ids(m, pre), TinyModels.mask(m, preMask), cache);
            for (int t = 4; t < 6; t++) {
                int[][] stepMask = {java.util.Arrays.copyOf(masks[0], t + 1), java.util.Arrays.copyOf(masks[1], t + 1)};
                NDArray step = model.forward(
                        TinyModels.ids(m, new int[] {rows[0][t]}, new int[] {rows[1][t]}),
                        TinyModels.mask(m, stepMask),
                        cache);
                assertThat(ModelFixtures.maxAbsDiff(step, full.get(":, " + t + ":" + (t + 1) + ", :")))
                        .isLessThan(1e-5f);
            }
        }
    }

    @Test
    void linearModulesUseHuggingFaceNamesAndCanBeReplaced() {
        List<String> names = model.linears().names();
        assertThat(names).contains("model.layers.0.self_attn.q_proj", "model.layers.1.mlp.down_proj", "lm_head");
        assertThat(names).hasSize(2 * 7 + 1);
        assertThat(model.linears().namesEndingWith(List.of("q_proj", "v_proj"))).hasSize(4);
        NDArray ids = TinyModels.ids(m, new int[] {1, 2, 3});
        NDArray before = model.forward(ids, null, null);
        String name = "model.layers.0.self_attn.v_proj";
        LinearLayer old = model.linears().replace(name, base -> new LinearLayer() {
            @Override
            public NDArray forward(NDArray x) {
                return base.forward(x).mul(0f);
            }

            @Override
            public int inFeatures() {
                return base.inFeatures();
            }

            @Override
            public int outFeatures() {
                return base.outFeatures();
            }
        });
        try {
            assertThat(ModelFixtures.maxAbsDiff(model.forward(ids, null, null), before))
                    .isGreaterThan(1e-4f);
        } finally {
            model.linears().replace(name, x -> old);
        }
        assertThat(ModelFixtures.maxAbsDiff(model.forward(ids, null, null), before))
                .isEqualTo(0f);
        assertThatThrownBy(() -> model.linears().replace(name, x -> new Linear(m.ones(new Shape(3, 32)), null)))
                .hasMessageContaining("maps 32 -> 3");
        assertThatThrownBy(() -> model.linears().get("nope")).hasMessageContaining("no linear module 'nope'");
    }

    @Test
    void missingAndMisshapenTensorsAreAllReported() {
        Map<String, NDArray> w = new LinkedHashMap<>(model.weights());
        w.remove("model.layers.1.mlp.up_proj.weight");
        w.put("model.norm.weight", m.ones(new Shape(31)));
        assertThatThrownBy(() -> LlamaModel.create(model.config(), new NDArrayTensorSource(w), Device.cpu()))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("missing tensor 'model.layers.1.mlp.up_proj.weight'")
                .hasMessageContaining("'model.norm.weight' has shape [31]");
    }
}
