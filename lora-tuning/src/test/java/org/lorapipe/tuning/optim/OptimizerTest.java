package org.lorapipe.tuning.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lorapipe.contract.request.SchedulerType;
import org.lorapipe.model.DjlRuntime;
import org.lorapipe.tuning.train.Autograd;
import org.lorapipe.tuning.train.TrainableParameter;

class OptimizerTest {

    /** loss = sum(c * p): gradient c. */
    private static void backward(NDArray p, float[] c) {
        try (Autograd.Recording r = Autograd.record();
                NDArray cc = p.getManager().create(c);
                NDArray prod = p.mul(cc);
                NDArray loss = prod.sum()) {
            Autograd.backward(loss);
        }
    }

    private static NDArray leaf(NDManager m, float... v) {
        NDArray p = m.create(v);
        p.setRequiresGradient(true);
        return p;
    }

    @Test
    void adamWMatchesTorchsFormulaOverTwoSteps() {
        try (NDManager m = DjlRuntime.newManager(Device.cpu())) {
            NDArray p = leaf(m, 1.0f, -2.0f);
            try (AdamW opt = new AdamW(List.of(new TrainableParameter("p", p)), 0.1)) {
                double[] x = {1.0, -2.0};
                double[] mm = new double[2];
                double[] vv = new double[2];
                float[][] g = {{0.5f, -3f}, {-1f, 2f}};
                double lr = 0.01;
                for (int t = 1; t <= 2; t++) {
                    backward(p, g[t - 1]);
                    opt.step(lr);
                    for (int i = 0; i < 2; i++) {
                        x[i] *= 1 - lr * 0.1;
                        mm[i] = 0.9 * mm[i] + 0.1 * g[t - 1][i];
                        vv[i] = 0.999 * vv[i] + 0.001 * g[t - 1][i] * g[t - 1][i];
                        double denom = Math.sqrt(vv[i]) / Math.sqrt(1 - Math.pow(0.999, t)) + 1e-8;
                        x[i] -= lr / (1 - Math.pow(0.9, t)) * mm[i] / denom;
                    }
                }
                float[] got = p.toFloatArray();
                assertThat((double) got[0]).isCloseTo(x[0], offset(1e-6));
                assertThat((double) got[1]).isCloseTo(x[1], offset(1e-6));
                assertThat(opt.stateBytes()).isEqualTo(16);
                try (NDArray grad = p.getGradient()) {
                    assertThat(grad.toFloatArray()).containsOnly(0f); // zeroed after the step
                }
            }
        }
    }

    @Test
    void sgdWithMomentumMatchesTorch() {
        try (NDManager m = DjlRuntime.newManager(Device.cpu())) {
            NDArray p = leaf(m, 1.0f);
            try (Sgd opt = new Sgd(List.of(new TrainableParameter("p", p)), 0.9, 0.01)) {
                backward(p, new float[] {2f});
                opt.step(0.1); // buf = 2 + 0.01 * 1 = 2.01; p = 1 - 0.201 = 0.799
                assertThat((double) p.toFloatArray()[0]).isCloseTo(0.799, offset(1e-6));
                backward(p, new float[] {2f});
                opt.step(0.1); // d = 2 + 0.00799; buf = 0.9 * 2.01 + 2.00799 = 3.81699; p = 0.799 - 0.381699
                assertThat((double) p.toFloatArray()[0]).isCloseTo(0.417301, offset(1e-6));
            }
        }
    }

    @Test
    void clippingScalesTheGlobalNorm() {
        try (NDManager m = DjlRuntime.newManager(Device.cpu())) {
            NDArray a = leaf(m, 0f, 0f);
            NDArray b = leaf(m, 0f);
            backward(a, new float[] {3f, 0f});
            backward(b, new float[] {4f});
            List<TrainableParameter> ps = List.of(new TrainableParameter("a", a), new TrainableParameter("b", b));
            assertThat(GradClip.clip(ps, 1.0)).isCloseTo(5.0, offset(1e-6));
            assertThat(GradClip.norm(ps)).isCloseTo(1.0, offset(1e-5));
        }
    }

    @Test
    void schedulesFollowTheDocumentedFormulas() {
        LrSchedule cos = new LrSchedule(SchedulerType.COSINE, 1.0, 10, 110);
        assertThat(cos.at(0)).isEqualTo(0.0);
        assertThat(cos.at(5)).isEqualTo(0.5);
        assertThat(cos.at(10)).isEqualTo(1.0);
        assertThat(cos.at(60)).isCloseTo(0.5, offset(1e-12));
        assertThat(cos.at(110)).isCloseTo(0.0, offset(1e-12));
        LrSchedule lin = new LrSchedule(SchedulerType.LINEAR, 2.0, 0, 100);
        assertThat(lin.at(0)).isEqualTo(2.0);
        assertThat(lin.at(75)).isCloseTo(0.5, offset(1e-12));
        assertThat(new LrSchedule(SchedulerType.CONSTANT, 3.0, 4, 100).at(2)).isEqualTo(1.5);
        assertThat(new LrSchedule(SchedulerType.CONSTANT, 3.0, 4, 100).at(50)).isEqualTo(3.0);
    }
}
