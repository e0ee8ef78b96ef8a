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
 *
 * <p>RE2 also refuses counted repetitions nested to more than {@value #MAX_REPEAT_PRODUCT} copies, such as
 * {@code ((a{100}){100}){100}}: it compiles every copy into its program. RE2/J does not apply that rule,
 * and {@code ((((a{1000}){1000}){1000}){1000})} (34 characters) makes its compiler fill any heap with an
 * {@link OutOfMemoryError}, in the thread that judges the request. So the rule is applied here, before
 * anything is compiled.
 */
public final class UserPatterns {
    /** Longest pattern accepted, in characters. */
    public static final int MAX_LENGTH = 256;

    /** Most copies nested counted repetitions may make of one atom (RE2's limit, as in {@code a{1000}}). */
    public static final int MAX_REPEAT_PRODUCT = 1000;

    private UserPatterns() {}

    /** Null when {@code pattern} can be used, else what is wrong with it (for a problem list). */
    public static String problem(String pattern) {
        if (pattern.length() > MAX_LENGTH) {
            return "is " + pattern.length() + " characters long; at most " + MAX_LENGTH + " are accepted";
        }
        long copies = repeatProduct(pattern);
        if (copies > MAX_REPEAT_PRODUCT) {
            return "nests counted repetitions to " + (copies >= CAP ? "more than " + CAP : copies)
                    + " copies of one atom (as in ((a{100}){100}){100}); RE2 allows at most " + MAX_REPEAT_PRODUCT;
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

    private static final long CAP = 1_000_000_000L;

    private static final java.util.regex.Pattern COUNT =
            java.util.regex.Pattern.compile("\\{(\\d{1,9})(?:,(\\d{0,9}))?}");

    /**
     * The largest number of copies of one atom that the counted repetitions ({@code {n}}, {@code {n,}},
     * {@code {n,m}}; the larger bound counts) nested around it make: RE2's {@code RepetitionWalker}, read
     * from the text. {@code *}, {@code +} and {@code ?} make no copies. A pattern that is not valid syntax
     * may be counted roughly: the compiler refuses it anyway.
     */
    static long repeatProduct(String p) {
        java.util.ArrayDeque<long[]> groups =
                new java.util.ArrayDeque<>(); // the largest product inside each open group
        long[] current = {1};
        long last = 0; // copies of the atom just read (0: none, a repetition applies to nothing)
        int i = 0;
        while (i < p.length()) {
            char c = p.charAt(i);
            if (c == '\\') {
                if (p.startsWith("Q", i + 1)) {
                    int end = p.indexOf("\\E", i + 2);
                    i = end < 0 ? p.length() : end + 2;
                } else if (i + 2 < p.length() && "pPx".indexOf(p.charAt(i + 1)) >= 0 && p.charAt(i + 2) == '{') {
                    int end = p.indexOf('}', i + 3);
                    i = end < 0 ? p.length() : end + 1;
                } else {
                    i += 2;
                }
                last = 1;
                continue;
            }
            if (c == '[') {
                i = classEnd(p, i);
                last = 1;
                continue;
            }
            if (c == '(') {
                groups.push(current);
                current = new long[] {1};
                last = 0;
            } else if (c == ')') {
                last = current[0];
                current = groups.isEmpty() ? new long[] {1} : groups.pop();
                current[0] = Math.max(current[0], last);
            } else if (c == '|') {
                last = 0;
            } else if (c == '{' && last > 0) {
                java.util.regex.Matcher m = COUNT.matcher(p).region(i, p.length());
                if (m.lookingAt()) {
                    long n = Long.parseLong(m.group(1));
                    if (m.group(2) != null && !m.group(2).isEmpty()) {
                        n = Long.parseLong(m.group(2));
                    }
                    last = Math.min(CAP, last * Math.max(1, n));
                    current[0] = Math.max(current[0], last);
                    i = m.end();
                    continue;
                }
                last = 1;
            } else if (c != '*' && c != '+' && c != '?') {
                last = 1;
            }
            i++;
        }
        long max = current[0];
        for (long[] open : groups) {
            max = Math.max(max, open[0]);
        }
        return max;
    }

    /** The index after the character class that starts at {@code start} ({@code []a]} and {@code [[:alpha:]]} included). */
    private static int classEnd(String p, int start) {
        int i = start + 1;
        if (i < p.length() && p.charAt(i) == '^') {
            i++;
        }
        if (i < p.length() && p.charAt(i) == ']') {
            i++;
        }
        while (i < p.length()) {
            char c = p.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == '[' && p.startsWith("[:", i)) {
                int end = p.indexOf(":]", i + 2);
                i = end < 0 ? i + 1 : end + 2;
            } else if (c == ']') {
                return i + 1;
            } else {
                i++;
            }
        }
        return i;
    }
}
