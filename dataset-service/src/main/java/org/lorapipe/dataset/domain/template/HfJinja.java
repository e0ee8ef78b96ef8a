package org.lorapipe.dataset.domain.template;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import com.hubspot.jinjava.lib.tag.Tag;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;
import java.io.IOException;
import java.lang.reflect.Array;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import jinjava.javax.el.CompositeELResolver;
import jinjava.javax.el.ELResolver;

/**
 * The Jinja environment Hugging Face renders chat templates in ({@code transformers}'
 * {@code _compile_jinja_template}), rebuilt on jinjava: {@code trim_blocks} and {@code lstrip_blocks},
 * Python's operator precedence and whitespace control, the globals {@code raise_exception(msg)}, the
 * {@code tojson} filter as {@code json.dumps(x, ensure_ascii=False)} writes it, and the {@code
 * generation} block (TRL's assistant mask marker) rendered as its body.
 *
 * <p>What it leaves out on purpose: {@code strftime_now} (a template that checks {@code strftime_now
 * is defined} takes its own fallback date, so the same record always renders the same text), and
 * every way for a template to reach outside itself: {@code include}, {@code import}, {@code from} and
 * {@code extends} are disabled and no template can be loaded by name. A template comes from a model
 * someone imported; it is untrusted, and {@link ChatTemplate} bounds its time and output.
 */
final class HfJinja {
    private HfJinja() {}

    /** Thrown by {@code raise_exception(msg)}: the template refuses the conversation. */
    static final class Raised extends RuntimeException {
        Raised(String message) {
            super(message);
        }
    }

    /** The {@code raise_exception} global (public for jinjava's reflection). */
    public static final class Globals {
        private Globals() {}

        public static Object raiseException(Object message) {
            throw new Raised(String.valueOf(message));
        }
    }

    /** An environment whose every node first calls {@code beforeNode} (where time is checked). */
    static Jinjava environment(long maxOutputChars, BiConsumer<Node, JinjavaInterpreter> beforeNode) {
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(true)
                .withFailOnUnknownTokens(false) // Jinja's default Undefined renders as ''
                .withNestedInterpretationEnabled(false) // a message's "{{ x }}" is text, never template
                .withLegacyOverrides(LegacyOverrides.newBuilder()
                        .withUseTrimmingForNotesAndExpressions(true)
                        .withParseWhitespaceControlStrictly(true)
                        .withUseNaturalOperatorPrecedence(true) // a + b | trim is a + (b | trim)
                        .withKeepNullableLoopValues(true)
                        .withAllowAdjacentTextNodes(true)
                        .withEvaluateMapKeys(true)
                        .withIterateOverMapKeys(true)
                        .withUsePyishObjectMapper(true)
                        .build())
                .withElResolver(resolver())
                .withMaxOutputSize(maxOutputChars)
                .withMaxStringLength(maxOutputChars)
                .withMaxListSize(100_000)
                .withMaxMapSize(100_000)
                .withRangeLimit(100_000)
                .withMaxRenderDepth(10)
                .withEnableRecursiveMacroCalls(false)
                .withDisabled(Map.of(Context.Library.TAG, Set.of("include", "import", "from", "extends")))
                .withNodePreProcessor(beforeNode)
                .build();
        Jinjava jinjava = new Jinjava(config);
        jinjava.setResourceLocator((name, encoding, interpreter) -> {
            throw new IOException("a chat template may not load '" + name + "'");
        });
        jinjava.registerFunction(
                new ELFunctionDefinition("", "raise_exception", Globals.class, "raiseException", Object.class));
        jinjava.registerFilter(new ToJson());
        jinjava.registerFilter(new Trim());
        jinjava.registerTag(new Generation());
        return jinjava;
    }

    /** Python's string methods first, then jinjava's own read-only resolvers. */
    private static ELResolver resolver() {
        CompositeELResolver resolver = new CompositeELResolver();
        resolver.add(new PyStringMethods());
        resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
        return resolver;
    }

    /** {@code {% generation %}...{% endgeneration %}}: TRL's marker of assistant text, rendered as its body. */
    static final class Generation implements Tag {
        @Override
        public String getName() {
            return "generation";
        }

        @Override
        public String getEndTagName() {
            return "endgeneration";
        }

        @Override
        public String interpret(TagNode tagNode, JinjavaInterpreter interpreter) {
            StringBuilder out = new StringBuilder();
            for (Node child : tagNode.getChildren()) {
                out.append(child.render(interpreter).getValue());
            }
            return out.toString();
        }
    }

    /** {@code trim(chars=None)} as Jinja defines it: Python's {@code str.strip}, U+00A0 included. */
    static final class Trim implements Filter {
        @Override
        public String getName() {
            return "trim";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            if (var == null) {
                return null;
            }
            String chars = args.length > 0 ? args[0] : null;
            return PyStringMethods.strip(var.toString(), chars, true, true);
        }
    }

    /** {@code tojson(indent=None)} as transformers defines it: {@code json.dumps(x, ensure_ascii=False)}. */
    static final class ToJson implements Filter {
        @Override
        public String getName() {
            return "tojson";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            Integer indent = args.length > 0 && args[0] != null ? Integer.valueOf(args[0]) : null;
            return json(var, indent);
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            Object indent = kwargs.containsKey("indent") ? kwargs.get("indent") : args.length > 0 ? args[0] : null;
            return json(var, indent == null ? null : ((Number) indent).intValue());
        }

        static String json(Object value, Integer indent) {
            StringBuilder out = new StringBuilder();
            write(out, value, indent, 0);
            return out.toString();
        }

        private static void write(StringBuilder out, Object v, Integer indent, int depth) {
            if (v == null) {
                out.append("null");
            } else if (v instanceof Boolean b) {
                out.append(b ? "true" : "false");
            } else if (v instanceof Number n) {
                out.append(n);
            } else if (v instanceof Map<?, ?> map) {
                Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator();
                container(out, '{', '}', indent, depth, map.isEmpty(), () -> {
                    Map.Entry<?, ?> e = it.next();
                    string(out, String.valueOf(e.getKey()));
                    out.append(": ");
                    write(out, e.getValue(), indent, depth + 1);
                    return it.hasNext();
                });
            } else if (v instanceof Collection<?> list) {
                Iterator<?> it = list.iterator();
                container(out, '[', ']', indent, depth, list.isEmpty(), () -> {
                    write(out, it.next(), indent, depth + 1);
                    return it.hasNext();
                });
            } else if (v.getClass().isArray()) {
                int n = Array.getLength(v);
                int[] i = {0};
                container(out, '[', ']', indent, depth, n == 0, () -> {
                    write(out, Array.get(v, i[0]++), indent, depth + 1);
                    return i[0] < n;
                });
            } else {
                string(out, v.toString());
            }
        }

        /** Python's layout: {@code ", "} between items on one line, or one item per indented line. */
        private static void container(
                StringBuilder out,
                char open,
                char close,
                Integer indent,
                int depth,
                boolean empty,
                java.util.function.BooleanSupplier item) {
            out.append(open);
            if (!empty) {
                boolean more = true;
                while (more) {
                    if (indent != null) {
                        out.append('\n').append(" ".repeat(indent * (depth + 1)));
                    }
                    more = item.getAsBoolean();
                    if (more) {
                        out.append(indent != null ? "," : ", ");
                    }
                }
                if (indent != null) {
                    out.append('\n').append(" ".repeat(indent * depth));
                }
            }
            out.append(close);
        }

        private static void string(StringBuilder out, String s) {
            out.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    case '\b' -> out.append("\\b");
                    case '\f' -> out.append("\\f");
                    default -> {
                        if (c < 0x20) {
                            out.append(String.format("\\u%04x", (int) c));
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
            out.append('"');
        }
    }
}
