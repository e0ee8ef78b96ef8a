package org.lorapipe.dataset.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.lorapipe.contract.dataset.TokenizedSequence;

/**
 * Packs short examples, in order, into sequences of at most {@code maxLength} tokens, so a batch wastes
 * no compute on padding. Each packed sequence records where every example starts ({@code starts}); the
 * trainer must use these to keep attention inside each example (a block-diagonal causal mask) and to
 * restart positions, otherwise examples would see each other. An example longer than the limit is
 * passed through alone.
 */
public final class Packer {
    private final int maxLength;
    private final Consumer<TokenizedSequence> out;
    private final List<TokenizedSequence> pending = new ArrayList<>();
    private int pendingLength;

    public Packer(int maxLength, Consumer<TokenizedSequence> out) {
        this.maxLength = maxLength;
        this.out = out;
    }

    public void add(TokenizedSequence s) {
        if (pendingLength + s.length() > maxLength) {
            flush();
        }
        pending.add(s);
        pendingLength += s.length();
    }

    public void flush() {
        if (pending.isEmpty()) {
            return;
        }
        int[] ids = new int[pendingLength];
        boolean[] trainable = new boolean[pendingLength];
        int[] starts = new int[pending.size()];
        int at = 0;
        for (int i = 0; i < pending.size(); i++) {
            TokenizedSequence s = pending.get(i);
            starts[i] = at;
            System.arraycopy(s.ids(), 0, ids, at, s.length());
            System.arraycopy(s.trainable(), 0, trainable, at, s.length());
            at += s.length();
        }
        out.accept(new TokenizedSequence(ids, trainable, starts));
        pending.clear();
        pendingLength = 0;
    }
}
