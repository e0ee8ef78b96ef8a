package org.lorapipe.testkit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Marks a test class that runs programs besides the JVM under test: benchmark runs in child JVMs, the
 * PyTorch reference ({@code /usr/bin/python3} with torch), {@code kubectl}, {@code docker-compose}.
 * {@code .ci/run} installs them; the quick tier ({@code ./mvnw -B test -Pquick}) leaves these tests out
 * so that it needs nothing but Java and the test data.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Tag(NeedsTools.TAG)
public @interface NeedsTools {

    /** The JUnit tag, excluded by the {@code quick} Maven profile. */
    String TAG = "tools";
}
