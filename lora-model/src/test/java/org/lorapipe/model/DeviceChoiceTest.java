package org.lorapipe.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

/** lora.model.device: every accepted spelling, and resolution against a GPU count given by the test. */
class DeviceChoiceTest {

    @Test
    void parsesEveryAcceptedSpelling() {
        assertThat(DeviceChoice.parse("auto")).isEqualTo(DeviceChoice.AUTO);
        assertThat(DeviceChoice.parse(" CPU ")).isEqualTo(DeviceChoice.CPU);
        assertThat(DeviceChoice.parse("cuda")).isEqualTo(new DeviceChoice(0));
        assertThat(DeviceChoice.parse("gpu")).isEqualTo(new DeviceChoice(0));
        assertThat(DeviceChoice.parse("cuda:3")).isEqualTo(new DeviceChoice(3));
        assertThat(DeviceChoice.parse("gpu:1")).isEqualTo(new DeviceChoice(1));
        assertThat(DeviceChoice.parse("cuda:1").toString()).isEqualTo("cuda:1");
    }

    @Test
    void anUnknownValueNamesTheAcceptedForms() {
        for (String bad : new String[] {"", "tpu", "cuda:", "cuda:-1", "cuda:x", "gpu0", "cpu:0", "mps"}) {
            assertThatThrownBy(() -> DeviceChoice.parse(bad), bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("lora.model.device='" + bad + "'")
                    .hasMessageContaining("auto, cpu, cuda, cuda:N or gpu:N");
        }
        assertThatThrownBy(() -> DeviceChoice.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void autoTakesTheFirstGpuWhenTheEngineSeesOne() {
        assertThat(DeviceChoice.AUTO.resolve(0)).isEqualTo(Device.cpu());
        assertThat(DeviceChoice.AUTO.resolve(2)).isEqualTo(Device.gpu(0));
        assertThat(DeviceChoice.CPU.resolve(4)).isEqualTo(Device.cpu());
        assertThat(DeviceChoice.parse("cuda:1").resolve(2)).isEqualTo(Device.gpu(1));
    }

    @Test
    void aMissingGpuFailsNamingWhatIsAvailable() {
        assertThatThrownBy(() -> DeviceChoice.parse("cuda").resolve(0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cuda:0 is not available")
                .hasMessageContaining("sees no GPU, only cpu");
        assertThatThrownBy(() -> DeviceChoice.parse("gpu:2").resolve(2))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cuda:2 is not available")
                .hasMessageContaining("2 GPU(s): cpu, cuda:0 ... cuda:1");
        assertThatThrownBy(() -> DeviceChoice.parse("cuda:1").resolve(1))
                .hasMessageContaining("1 GPU(s): cpu, cuda:0;");
    }

    @Test
    void thisMachinesEngineSeesNoGpuSoAutoIsTheCpu() {
        // the CPU build of libtorch reports no CUDA capability, whatever the hardware
        assertThat(DjlRuntime.gpuCount()).isZero();
        assertThat(DeviceChoice.AUTO.resolve(DjlRuntime.gpuCount())).isEqualTo(Device.cpu());
    }
}
