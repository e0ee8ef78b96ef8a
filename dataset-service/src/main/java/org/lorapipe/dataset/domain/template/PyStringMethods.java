package org.lorapipe.dataset.domain.template;

import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * Python's {@code str} methods that chat templates call ({@code content.strip()}, {@code
 * .split('</think>')}, {@code .startswith(...)}), with Python's meaning, for jinjava, which would
 * otherwise call the Java method of the same name or fail: Java's {@code strip()} keeps U+00A0 and has no
 * form that takes the characters to strip. Resolves nothing else, so the default resolvers handle the
 * rest.
 */
final class PyStringMethods extends ELResolver {

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
        if (!(base instanceof String s) || !(method instanceof String name)) {
            return null;
        }
        Object[] args = params == null ? new Object[0] : params;
        Object result =
                switch (name) {
                    case "strip" -> strip(s, chars(args), true, true);
                    case "lstrip" -> strip(s, chars(args), true, false);
                    case "rstrip" -> strip(s, chars(args), false, true);
                    case "startswith" -> args.length == 1 ? affix(s, args[0], true) : null;
                    case "endswith" -> args.length == 1 ? affix(s, args[0], false) : null;
                    case "split" -> split(s, args);
                    case "upper" -> args.length == 0 ? s.toUpperCase(java.util.Locale.ROOT) : null;
                    case "lower" -> args.length == 0 ? s.toLowerCase(java.util.Locale.ROOT) : null;
                    case "replace" -> args.length == 2 ? s.replace(str(args[0]), str(args[1])) : null;
                    default -> null;
                };
        if (result != null) {
            context.setPropertyResolved(true);
        }
        return result;
    }

    /** The characters argument of strip/lstrip/rstrip: none or None means white space. */
    private static String chars(Object[] args) {
        if (args.length == 0 || args[0] == null) {
            return null;
        }
        return str(args[0]);
    }

    static String strip(String s, String chars, boolean left, boolean right) {
        int from = 0;
        int to = s.length();
        while (left && from < to && strips(s.charAt(from), chars)) {
            from++;
        }
        while (right && to > from && strips(s.charAt(to - 1), chars)) {
            to--;
        }
        return s.substring(from, to);
    }

    private static boolean strips(char c, String chars) {
        return chars == null ? isSpace(c) : chars.indexOf(c) >= 0;
    }

    /** Python's {@code str.isspace} for one character: Unicode white space, no-break spaces included. */
    static boolean isSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
    }

    private static Boolean affix(String s, Object arg, boolean prefix) {
        if (arg instanceof Collection<?> options) { // startswith(("a", "b"))
            for (Object o : options) {
                if (prefix ? s.startsWith(str(o)) : s.endsWith(str(o))) {
                    return true;
                }
            }
            return false;
        }
        return prefix ? s.startsWith(str(arg)) : s.endsWith(str(arg));
    }

    /** {@code split()} on runs of white space, or {@code split(sep[, maxsplit])} exactly. */
    private static List<String> split(String s, Object[] args) {
        String sep = args.length > 0 && args[0] != null ? str(args[0]) : null;
        int max = args.length > 1 && args[1] instanceof Number n ? n.intValue() : -1;
        List<String> out = new ArrayList<>();
        if (sep == null) {
            int i = 0;
            while (i < s.length()) {
                while (i < s.length() && isSpace(s.charAt(i))) {
                    i++;
                }
                if (i == s.length()) {
                    break;
                }
                int j = i;
                if (max >= 0 && out.size() == max) {
                    out.add(s.substring(i));
                    break;
                }
                while (j < s.length() && !isSpace(s.charAt(j))) {
                    j++;
                }
                out.add(s.substring(i, j));
                i = j;
            }
            return out;
        }
        if (sep.isEmpty()) {
            throw new IllegalArgumentException("empty separator");
        }
        int from = 0;
        int at;
        while ((max < 0 || out.size() < max) && (at = s.indexOf(sep, from)) >= 0) {
            out.add(s.substring(from, at));
            from = at + sep.length();
        }
        out.add(s.substring(from));
        return out;
    }

    private static String str(Object o) {
        return String.valueOf(o);
    }

    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {}

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        return true;
    }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
        return Collections.emptyIterator();
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return null;
    }
}
