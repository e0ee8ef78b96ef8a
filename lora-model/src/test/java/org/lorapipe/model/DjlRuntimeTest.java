package org.lorapipe.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DjlRuntimeTest {
    @Test
    void onlyACudaFlavorOfLibtorchIsAskedForGpus() {
        assertThat(DjlRuntime.cudaFlavor(null, null))
                .as("the CPU build, as in the CPU images")
                .isFalse();
        assertThat(DjlRuntime.cudaFlavor("cpu", null)).isFalse();
        assertThat(DjlRuntime.cudaFlavor("cu128", null)).as("the cuda images").isTrue();
        assertThat(DjlRuntime.cudaFlavor("cu128", "cpu"))
                .as("a system property wins")
                .isFalse();
        assertThat(DjlRuntime.cudaFlavor(null, "CU126")).isTrue();
    }

    @Test
    void withoutACudaFlavorThereAreNoGpusAndAutoMeansTheCpu() {
        // this build carries the CPU libtorch and sets no PYTORCH_FLAVOR
        assertThat(System.getenv("PYTORCH_FLAVOR")).isNull();
        assertThat(DjlRuntime.gpuCount()).isZero();
        assertThat(DeviceChoice.parse("auto").resolve(DjlRuntime.gpuCount())).isEqualTo(ai.djl.Device.cpu());
    }
}
