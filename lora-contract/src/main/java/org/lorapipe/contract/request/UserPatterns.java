package org.lorapipe.contract.request;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.Optional;

/**
 * The regular expressions a request carries ({@code lora.rankPattern} and {@code lora.alphaPattern}
 * keys, a generation check's {@code regex}). They are compiled with RE2/J, whose matching time is
 * linear in the text: a pattern such as {@code (.*){1,16}z} or {@code (.|\s)*X}, which makes a
 * backtracking engine run for minutes or overflow its stack, costs no more than any other here. The
 * price is RE2's syntax: no backreferences and no lookaround, refused at intake with a problem.
 */
public final class UserPatterns {
    /** Longest pattern accepted, in characters. */
    public static final int MAX_LENGTH = 256;

    private UserPatterns() {}

    /** Null when {@code pattern} can be used, else what is wrong with it (for a problem list). */
    public static String problem(String pattern) {
        if (pattern.length() > MAX_LENGTH) {
            return "is " + pattern.length() + " characters long; at most " + MAX_LENGTH + " are accepted";
        }
        try {
            Pattern.compile(pattern);
            return null;
        } catch (PatternSyntaxException e) {
            return "is not valid RE2 syntax (no backreferences, no lookaround): " + e.getDescription();
        }
    }

    /** The compiled pattern; an {@link IllegalArgumentException} says what is wrong with it. */
    public static Pattern compile(String pattern) {
        String problem = problem(pattern);
        if (problem != null) {
            throw new IllegalArgumentException("the pattern '" + pattern + "' " + problem);
        }
        return Pattern.compile(pattern);
    }

    /**
     * PEFT's rule for {@code rank_pattern} and {@code alpha_pattern}: the first key, in the order given,
     * for which {@code (.*\.)?(KEY)$} matches the whole module name. (The group around the key makes an
     * alternation {@code a|b} apply to both names.)
     */
    public static Optional<String> firstMatch(Iterable<String> keys, String module) {
        for (String key : keys) {
            if (compile("(.*\\.)?(" + key + ")$").matches(module)) {
                return Optional.of(key);
            }
        }
        return Optional.empty();
    }
}
