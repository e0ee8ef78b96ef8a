package org.lorapipe.tuning.memory;

import java.util.Locale;

/** Memory sizes for people: MiB below one GiB, GiB with two decimals above. */
public final class ByteSize {

    private static final double MIB = 1024.0 * 1024.0;
    private static final double GIB = MIB * 1024.0;

    private ByteSize() {}

    public static String of(long bytes) {
        if (bytes < (1L << 30)) {
            return String.format(Locale.ROOT, "%.0f MiB", bytes / MIB);
        }
        return String.format(Locale.ROOT, "%.2f GiB", bytes / GIB);
    }

    public static double mib(long bytes) {
        return bytes / MIB;
    }
}
