package org.lorapipe.contract.dataset;

import java.util.Arrays;

/**
 * One training sequence as the dataset-service writes it and the trainer reads it.
 *
 * @param ids token ids, BOS first
 * @param trainable per token: true when the next-token loss at this position's label counts (response
 *     tokens and the EOS after each response; every token for raw text)
 * @param starts offsets where an example begins; one entry {0} unless several examples were packed
 *     into this sequence, in which case attention must not cross from one example into another
 */
public record TokenizedSequence(int[] ids, boolean[] trainable, int[] starts) {
    public TokenizedSequence {
        if (ids.length != trainable.length) {
            throw new IllegalArgumentException(
                    "ids (" + ids.length + ") and trainable (" + trainable.length + ") differ in length");
        }
        if (starts.length == 0 || starts[0] != 0) {
            throw new IllegalArgumentException("starts must begin with 0, got " + Arrays.toString(starts));
        }
    }

    public int length() {
        return ids.length;
    }

    /** How many tokens count in the loss. */
    public int trainableCount() {
        int n = 0;
        for (boolean t : trainable) {
            n += t ? 1 : 0;
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenizedSequence s
                && Arrays.equals(ids, s.ids)
                && Arrays.equals(trainable, s.trainable)
                && Arrays.equals(starts, s.starts);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(ids) + Arrays.hashCode(trainable)) + Arrays.hashCode(starts);
    }

    @Override
    public String toString() {
        return "TokenizedSequence[" + ids.length + " tokens, " + trainableCount() + " trainable, " + starts.length
                + " example(s)]";
    }
}
