package org.lorapipe.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The options the stack's JVMs get: what the build sets for the processes its tests start. */
class ChildJvmTest {
    private final String before = System.getProperty(ChildJvm.PROPERTY);

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty(ChildJvm.PROPERTY);
        } else {
            System.setProperty(ChildJvm.PROPERTY, before);
        }
    }

    @Test
    void theBuildGivesTheTestsProcessesC1Only() {
        assertThat(before).as("set by the build for tests").isEqualTo("-XX:TieredStopAtLevel=1");
    }

    @Test
    void optionsAreSplitOnWhitespaceAndNoneWhenBlank() {
        System.setProperty(ChildJvm.PROPERTY, "  -XX:TieredStopAtLevel=1   -Xss1m ");
        assertThat(ChildJvm.options()).containsExactly("-XX:TieredStopAtLevel=1", "-Xss1m");
        System.setProperty(ChildJvm.PROPERTY, "  ");
        assertThat(ChildJvm.options()).isEmpty();
        System.clearProperty(ChildJvm.PROPERTY);
        assertThat(ChildJvm.options()).isEmpty();
    }
}
