package org.lorapipe.testkit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Marks a test class that starts a real Kafka broker or S3 server (directly, through {@link LocalInfra}
 * or as a {@code @QuarkusTest} with {@link LoraInfraTestResource}). The quick tier ({@code ./mvnw -B test
 * -Pquick}) leaves these out; {@code ./mvnw -B verify} runs them.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Tag(NeedsInfra.TAG)
public @interface NeedsInfra {

    /** The JUnit tag, excluded by the {@code quick} Maven profile. */
    String TAG = "infra";
}
