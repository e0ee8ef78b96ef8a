package org.lorapipe.contract.dataset;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The binary shard layout of {@code datasets/{requestId}/{split}-NNNNN.bin}, little-endian:
 *
 * <pre>
 *   header   8 bytes "LORASHRD", int32 version (1)
 *   sequence int32 length L (> 0), int32 example count E, E x int32 example starts,
 *            L x int32 token ids, ceil(L / 8) bytes of trainable bits (bit i of byte i/8, LSB first)
 *   ...
 *   footer   int32 -1, int64 number of sequences
 * </pre>
 *
 * Written and read as a stream, one sequence at a time; the footer lets a reader tell a complete shard
 * from a truncated one.
 */
public final class ShardFormat {
    static final byte[] MAGIC = {'L', 'O', 'R', 'A', 'S', 'H', 'R', 'D'};
    static final int VERSION = 1;
    static final int END = -1;

    public static final String TRAIN = "train";
    public static final String VALIDATION = "validation";

    private static final Pattern NAME = Pattern.compile("(train|validation)-\\d{5}\\.bin");

    /** File name of shard {@code index} of {@code split} ("train" or "validation"). */
    public static String fileName(String split, int index) {
        if (index < 0 || index > 99_999) {
            throw new IllegalArgumentException("shard index " + index + " is outside 0..99999");
        }
        return String.format("%s-%05d.bin", split, index);
    }

    /** Whether {@code fileName} (no folder) names a shard of {@code split}, e.g. validation-00003.bin. */
    public static boolean isShard(String fileName, String split) {
        Matcher m = NAME.matcher(fileName);
        return m.matches() && m.group(1).equals(split);
    }

    private ShardFormat() {}
}
