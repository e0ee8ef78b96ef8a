package org.lorapipe.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.lorapipe.model.testing.ArchitectureZoo;

/** The shapes a config implies are the modules a loaded model registers: same names, order and shapes. */
class LinearShapesTest {

    static List<ArchitectureZoo.Entry> zoo() {
        return ArchitectureZoo.all();
    }

    @ParameterizedTest
    @MethodSource("zoo")
    void configShapesAreTheLoadedModelsModules(ArchitectureZoo.Entry e) {
        try (LlamaModel model = LlamaModel.random(e.config(), 1, Device.cpu())) {
            assertThat(LlamaModel.linearShapes(e.config()))
                    .containsExactlyEntriesOf(model.linears().shapes());
        }
    }
}
