package org.lorapipe.dataset.domain;

import java.util.ArrayList;
import java.util.List;
import org.lorapipe.contract.dataset.TokenizedSequence;
import org.lorapipe.dataset.domain.template.Segment;
import org.lorapipe.model.tokenizer.TextTokenizer;

/**
 * Tokenizes templated segments with the base model's tokenizer and marks which tokens are trained.
 *
 * <p>The text between special tokens (a "run") is encoded in ONE call, so the ids are exactly those of
 * the templated text (no artefacts at the prompt/response seam). Where a segment ends inside a run is
 * found by encoding the run's prefix up to that segment: its ids are normally a prefix of the run's ids;
 * when a merge crosses the seam they are not, and the token that straddles it is given to the later
 * segment. With {@code maskPrompt} prompt tokens are not trained; BOS never is.
 */
public final class ExampleTokenizer {
    private final TextTokenizer tokenizer;
    private final boolean maskPrompt;

    public ExampleTokenizer(TextTokenizer tokenizer, boolean maskPrompt) {
        this.tokenizer = tokenizer;
        this.maskPrompt = maskPrompt;
    }

    public TokenizedSequence tokenize(List<Segment> segments) {
        List<Integer> ids = new ArrayList<>();
        List<Boolean> trainable = new ArrayList<>();
        List<Segment> run = new ArrayList<>();
        boolean bosPending = false;
        for (Segment s : segments) {
            switch (s.kind()) {
                case TEXT -> run.add(s);
                case BOS -> {
                    flush(run, bosPending, ids, trainable);
                    bosPending = true;
                }
                case EOS -> {
                    flush(run, bosPending, ids, trainable);
                    bosPending = false;
                    ids.add(tokenizer.eosId());
                    trainable.add(true);
                }
            }
        }
        flush(run, bosPending, ids, trainable);
        int[] idArray = ids.stream().mapToInt(Integer::intValue).toArray();
        boolean[] mask = new boolean[trainable.size()];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = trainable.get(i);
        }
        return new TokenizedSequence(idArray, mask, new int[] {0});
    }

    /** Encodes the pending run (with BOS first when due) and assigns each token to its segment. */
    private void flush(List<Segment> run, boolean bos, List<Integer> ids, List<Boolean> trainable) {
        if (run.isEmpty()) {
            if (bos) {
                ids.add(tokenizer.bosId());
                trainable.add(false);
            }
            return;
        }
        StringBuilder text = new StringBuilder();
        for (Segment s : run) {
            text.append(s.text());
        }
        int[] full = tokenizer.encode(text.toString(), bos);
        int[] owner = new int[full.length];
        int boundary = bos ? 1 : 0;
        StringBuilder prefix = new StringBuilder();
        for (int k = 0; k < run.size(); k++) {
            prefix.append(run.get(k).text());
            int end = k == run.size() - 1 ? full.length : commonPrefix(tokenizer.encode(prefix.toString(), bos), full);
            end = Math.max(end, boundary);
            for (int j = boundary; j < end; j++) {
                owner[j] = k;
            }
            boundary = end;
        }
        for (int j = 0; j < full.length; j++) {
            ids.add(full[j]);
            boolean isBos = bos && j == 0;
            boolean response = run.get(owner[j]).trainable();
            trainable.add(!isBos && (response || !maskPrompt));
        }
        run.clear();
    }

    private static int commonPrefix(int[] a, int[] b) {
        int n = Math.min(a.length, b.length);
        int i = 0;
        while (i < n && a[i] == b[i]) {
            i++;
        }
        // a prefix that is complete ends the segment; a diverging one leaves the straddling token to the next
        return i;
    }
}
