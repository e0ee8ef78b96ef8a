package org.lorapipe.dataset.domain.template;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites the two Jinja constructs of real chat templates (Qwen3's among them) that jinjava parses
 * differently from Python's jinja2, into forms both read the same way:
 *
 * <ul>
 *   <li>{@code name[::-1]} (a reversed copy; jinjava's slices take no step) becomes {@code
 *       (name|reverse|list)};
 *   <li>{@code namespace(key=a - 1, ...)}: jinjava binds {@code key=a} before the {@code -}, so each
 *       value is put in parentheses: {@code namespace(key=(a - 1), ...)}.
 * </ul>
 *
 * Anything else stays as it is; a construct jinjava cannot run fails the render, never renders
 * something else ({@code ChatTemplateReferenceTest} holds us to jinja2's output).
 */
final class JinjaSource {
    private static final Pattern REVERSED = Pattern.compile("([A-Za-z_][A-Za-z0-9_.]*)\\[\\s*::\\s*-1\\s*\\]");
    private static final Pattern NAMESPACE = Pattern.compile("\\bnamespace\\s*\\(");

    private JinjaSource() {}

    static String adapt(String source) {
        String s =
                REVERSED.matcher(source).replaceAll(m -> Matcher.quoteReplacement("(" + m.group(1) + "|reverse|list)"));
        return namespaceArguments(s);
    }

    /** Puts the value of every {@code key=value} argument of each {@code namespace(...)} call in parentheses. */
    private static String namespaceArguments(String s) {
        StringBuilder out = new StringBuilder();
        Matcher m = NAMESPACE.matcher(s);
        int done = 0;
        while (m.find(done)) {
            out.append(s, done, m.end());
            int depth = 0;
            char quote = 0;
            int arg = m.end();
            int i = m.end();
            for (; i < s.length(); i++) {
                char c = s.charAt(i);
                if (quote != 0) {
                    if (c == '\\') {
                        i++;
                    } else if (c == quote) {
                        quote = 0;
                    }
                } else if (c == '\'' || c == '"') {
                    quote = c;
                } else if (c == '(' || c == '[' || c == '{') {
                    depth++;
                } else if (depth > 0 && (c == ')' || c == ']' || c == '}')) {
                    depth--;
                } else if (c == ',' || c == ')') {
                    out.append(argument(s.substring(arg, i))).append(c);
                    arg = i + 1;
                    if (c == ')') {
                        break;
                    }
                }
            }
            if (i >= s.length()) { // unbalanced: leave the rest for the parser to report
                out.append(s, arg, s.length());
            }
            done = Math.min(i + 1, s.length());
        }
        out.append(s.substring(done));
        return out.toString();
    }

    private static String argument(String arg) {
        int eq = arg.indexOf('=');
        boolean keyword = eq > 0
                && arg.substring(0, eq).strip().matches("[A-Za-z_][A-Za-z0-9_]*")
                && (eq + 1 >= arg.length() || arg.charAt(eq + 1) != '=');
        return keyword ? arg.substring(0, eq + 1) + "(" + arg.substring(eq + 1) + ")" : arg;
    }
}
