package org.lorapipe.model.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A line-by-line transliteration of run.c's encode(), slow on purpose: the oracle for our encoder. */
final class RuncEncodeReference {

    private final Llama2cTokenizer t;
    private final Map<String, Integer> sorted = new HashMap<>();

    RuncEncodeReference(Llama2cTokenizer t) {
        this.t = t;
        for (int i = 0; i < t.vocabSize(); i++) {
            sorted.putIfAbsent(t.piece(i), i);
        }
    }

    private int strLookup(String s) {
        return sorted.getOrDefault(s, -1);
    }

    List<Integer> encode(String text, boolean bos) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        List<Integer> tokens = new ArrayList<>();
        if (bos) {
            tokens.add(1);
        }
        if (bytes.length > 0) {
            tokens.add(strLookup(" "));
        }
        byte[] buf = new byte[8];
        int len = 0;
        for (int c = 0; c < bytes.length; c++) {
            if ((bytes[c] & 0xC0) != 0x80) {
                len = 0;
            }
            buf[len++] = bytes[c];
            boolean nextIsCont = c + 1 < bytes.length && (bytes[c + 1] & 0xC0) == 0x80;
            if (nextIsCont && len < 4) {
                continue;
            }
            int id = strLookup(new String(buf, 0, len, StandardCharsets.UTF_8));
            if (id != -1) {
                tokens.add(id);
            } else {
                for (int i = 0; i < len; i++) {
                    tokens.add((buf[i] & 0xFF) + 3);
                }
            }
            len = 0;
        }
        while (true) {
            float bestScore = -1e10f;
            int bestId = -1;
            int bestIdx = -1;
            for (int i = 0; i < tokens.size() - 1; i++) {
                int id = strLookup(t.piece(tokens.get(i)) + t.piece(tokens.get(i + 1)));
                if (id != -1 && t.score(id) > bestScore) {
                    bestScore = t.score(id);
                    bestId = id;
                    bestIdx = i;
                }
            }
            if (bestIdx == -1) {
                break;
            }
            tokens.set(bestIdx, bestId);
            tokens.remove(bestIdx + 1);
        }
        return tokens;
    }
}
