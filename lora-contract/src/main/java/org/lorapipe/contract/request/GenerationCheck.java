package org.lorapipe.contract.request;

import java.util.List;

/**
 * One prompt of a {@code generation} task: it passes when the greedy continuation contains every
 * expected substring (case-insensitive) and, when given, matches {@code regex}.
 */
public record GenerationCheck(String prompt, List<String> expect, String regex) {
    public GenerationCheck {
        expect = expect == null ? List.of() : List.copyOf(expect);
    }
}
