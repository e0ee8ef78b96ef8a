package org.lorapipe.evaluation.domain;

import java.util.Arrays;
import org.lorapipe.model.tokenizer.TextTokenizer;

/**
 * The token ids of one (context, continuation) pair, split as lm-evaluation-harness's
 * {@code _encode_pair} does: trailing whitespace of the context moves to the front of the
 * continuation; context + continuation is encoded as ONE string and split at the length of the
 * context's own encoding, so a token that straddles the boundary belongs to the continuation. The
 * model's BOS token comes first. An empty context is BOS alone.
 *
 * @param context BOS + the context's tokens (what the harness feeds as {@code context_enc})
 * @param continuation the scored tokens
 */
public record LoglikelihoodRequest(int[] context, int[] continuation) {

    public static LoglikelihoodRequest encode(TextTokenizer tokenizer, String context, String continuation) {
        if (context.isEmpty()) {
            int[] bos = {tokenizer.bosId()};
            return new LoglikelihoodRequest(bos, tokenizer.encode(continuation, false));
        }
        String ctx = context;
        String cont = continuation;
        int kept = ctx.stripTrailing().length();
        if (kept < ctx.length()) {
            cont = ctx.substring(kept) + cont;
            ctx = ctx.substring(0, kept);
        }
        int[] whole = tokenizer.encode(ctx + cont, true);
        int[] contextEnc = tokenizer.encode(ctx, true);
        int split = Math.min(contextEnc.length, whole.length);
        return new LoglikelihoodRequest(contextEnc, Arrays.copyOfRange(whole, split, whole.length));
    }

    public int length() {
        return context.length + continuation.length;
    }
}
