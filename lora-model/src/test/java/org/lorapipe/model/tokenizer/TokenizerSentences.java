package org.lorapipe.model.tokenizer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Public access to the shared test sentences for tests in other packages. */
public final class TokenizerSentences {

    private TokenizerSentences() {}

    public static List<String> all() throws IOException {
        List<String> all = new ArrayList<>(Sentences.EDGE);
        all.addAll(Sentences.alpaca());
        return all;
    }
}
