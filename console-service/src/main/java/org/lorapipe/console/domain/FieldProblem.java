package org.lorapipe.console.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A problem of a request with the JSON path of the field it is about, so the submit form can show it
 * next to that field. The contract's {@code RequestParser} names the path first in every problem
 * ({@code lora.r must be ...}, {@code evaluation.tasks[1].uri is required ...}, {@code unknown field
 * lora.rr (did you mean lora.r?)}); a problem that names none (the body is not JSON) has a null field.
 */
public record FieldProblem(String field, String message) {
    private static final String SEGMENT = "[A-Za-z_][A-Za-z0-9_]*(?:\\[\\d+\\])*";
    private static final Pattern LEADING_PATH = Pattern.compile("^(" + SEGMENT + "(?:\\." + SEGMENT + ")*)[ ,:]");
    private static final Pattern UNKNOWN = Pattern.compile("^unknown field (" + SEGMENT + "(?:\\." + SEGMENT + ")*)");
    /** Leading words that are not field names. */
    private static final List<String> NOT_FIELDS = List.of("the", "a", "an", "request", "record", "setting");

    public static FieldProblem of(String problem) {
        Matcher unknown = UNKNOWN.matcher(problem);
        if (unknown.find()) {
            return new FieldProblem(unknown.group(1), problem);
        }
        Matcher m = LEADING_PATH.matcher(problem);
        if (m.find() && !NOT_FIELDS.contains(m.group(1).toLowerCase(java.util.Locale.ROOT))) {
            return new FieldProblem(m.group(1), problem);
        }
        return new FieldProblem(null, problem);
    }

    public static List<FieldProblem> of(List<String> problems) {
        List<FieldProblem> out = new ArrayList<>(problems.size());
        problems.forEach(p -> out.add(of(p)));
        return out;
    }
}
