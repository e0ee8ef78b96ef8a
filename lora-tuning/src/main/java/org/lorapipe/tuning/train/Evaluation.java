package org.lorapipe.tuning.train;

import ai.djl.ndarray.NDManager;
import java.util.List;
import org.lorapipe.contract.dataset.TokenizedSequence;

/** Held-out loss: token-mean NLL over counted labels, recording off. */
public final class Evaluation {

    private Evaluation() {}

    public static double meanNll(CausalLm lm, List<TokenizedSequence> data, int batchSize) {
        Autograd.off();
        double sum = 0;
        long counted = 0;
        for (int i = 0; i < data.size(); i += batchSize) {
            List<TokenizedSequence> chunk = data.subList(i, Math.min(i + batchSize, data.size()));
            try (NDManager m = lm.model().manager().newSubManager()) {
                MicroBatch b = MicroBatch.of(m, chunk, lm.model().config());
                sum += lm.nllSum(b);
                counted += b.countedTokens();
            }
        }
        if (counted == 0) {
            throw new IllegalArgumentException("no counted labels in the evaluation split");
        }
        return sum / counted;
    }
}
