package org.lorapipe.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A config.json {@code rope_scaling}: how the rotary frequencies of a model trained on a shorter context
 * are stretched to a longer one. The inverse frequencies follow Hugging Face transformers'
 * {@code modeling_rope_utils.py} ({@code _compute_linear_scaling_rope_parameters},
 * {@code _compute_dynamic_ntk_parameters}, {@code _compute_yarn_parameters},
 * {@code _compute_llama3_parameters}); with hs the head size and f_j = theta^(-2j/hs):
 *
 * <pre>
 *   linear   f_j / factor
 *   dynamic  theta' = theta * (factor * T / maxPos - (factor - 1))^(hs / (hs - 2)) when T > maxPos, else theta
 *            (T: the longest position + 1 of the input)
 *   yarn     f_j / factor blended into f_j by a linear ramp over the dimensions whose rotation count at
 *            maxPos lies between beta_slow and beta_fast; cos and sin times attention_factor
 *            (default 0.1 ln(factor) + 1)
 *   llama3   wavelength w_j = 2 pi / f_j, L = original_max_position_embeddings:
 *            w_j < L / high_freq_factor: f_j;  w_j > L / low_freq_factor: f_j / factor;
 *            between: (1 - s) f_j / factor + s f_j,  s = (L / w_j - low) / (high - low)
 *   longrope f_j / short_factor[j] while T <= L (original_max_position_embeddings), f_j / long_factor[j]
 *            beyond (T as for dynamic); cos and sin times attention_factor, by default
 *            sqrt(1 + ln(factor) / ln(L)) with factor = max_position_embeddings / L
 *            ({@code _compute_longrope_parameters}; Phi-3 128k and Phi-3.5 models)
 * </pre>
 *
 * @param type the {@code rope_type} (or legacy {@code type})
 * @param factor the stretch factor (>= 1)
 * @param originalMaxPositionEmbeddings llama3's L (0 when not given)
 * @param lowFreqFactor llama3
 * @param highFreqFactor llama3
 * @param attentionFactor yarn's cos/sin scale (NaN: the default 0.1 ln(factor) + 1)
 * @param betaFast yarn (default 32)
 * @param betaSlow yarn (default 1)
 * @param shortFactor longrope's per-frequency divisors up to L, [hs/2]; empty for the other types
 * @param longFactor longrope's divisors beyond L, [hs/2]; empty for the other types
 */
public record RopeScaling(
        Type type,
        double factor,
        int originalMaxPositionEmbeddings,
        double lowFreqFactor,
        double highFreqFactor,
        double attentionFactor,
        double betaFast,
        double betaSlow,
        List<Double> shortFactor,
        List<Double> longFactor) {

    public RopeScaling {
        shortFactor = List.copyOf(shortFactor);
        longFactor = List.copyOf(longFactor);
    }

    /** The implemented rope types, by their config.json names. */
    public enum Type {
        LINEAR,
        DYNAMIC,
        YARN,
        LLAMA3,
        LONGROPE;

        String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final List<String> SUPPORTED = List.of("linear", "dynamic", "yarn", "llama3", "longrope");

    public static RopeScaling linear(double factor) {
        return new RopeScaling(Type.LINEAR, factor, 0, 0, 0, Double.NaN, 0, 0, List.of(), List.of());
    }

    public static RopeScaling dynamic(double factor) {
        return new RopeScaling(Type.DYNAMIC, factor, 0, 0, 0, Double.NaN, 0, 0, List.of(), List.of());
    }

    public static RopeScaling yarn(double factor) {
        return new RopeScaling(Type.YARN, factor, 0, 0, 0, Double.NaN, 32, 1, List.of(), List.of());
    }

    public static RopeScaling llama3(double factor, double low, double high, int originalMax) {
        return new RopeScaling(Type.LLAMA3, factor, originalMax, low, high, Double.NaN, 0, 0, List.of(), List.of());
    }

    /** LongRoPE with the default attention factor; {@code factor} is max_position_embeddings / originalMax. */
    public static RopeScaling longrope(
            double factor, int originalMax, List<Double> shortFactor, List<Double> longFactor) {
        return new RopeScaling(Type.LONGROPE, factor, originalMax, 0, 0, Double.NaN, 0, 0, shortFactor, longFactor);
    }

    /**
     * Reads {@code rope_scaling} (null or absent: none); every problem goes to {@code problems}, which
     * says what is supported. The rest of config.json supplies what longrope reads outside the object
     * (Phi-3 keeps {@code original_max_position_embeddings} at the top level).
     */
    static RopeScaling parse(
            JsonNode n, JsonNode config, int headDim, int maxPositionEmbeddings, List<String> problems) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject()) {
            problems.add("rope_scaling must be an object or null, got " + n);
            return null;
        }
        String name = n.hasNonNull("rope_type")
                ? n.get("rope_type").asText()
                : n.path("type").asText("");
        if (name.equals("default")) {
            return null;
        }
        if (name.equals("su")) {
            name = "longrope"; // the first Phi-3 configs' name for it
        }
        if (name.equals("longrope")) {
            return parseLongRope(n, config, headDim, maxPositionEmbeddings, problems);
        }
        if (!SUPPORTED.contains(name)) {
            problems.add("rope_scaling type '" + name + "' is not supported (supported: " + String.join(", ", SUPPORTED)
                    + ", or null)");
            return null;
        }
        Type type = Type.valueOf(name.toUpperCase(Locale.ROOT));
        double factor = number(n, "factor", Double.NaN);
        if (!(factor >= 1.0)) {
            problems.add("rope_scaling.factor must be a number >= 1, got " + n.get("factor"));
        }
        RopeScaling s = new RopeScaling(
                type,
                factor,
                n.path("original_max_position_embeddings").asInt(0),
                number(n, "low_freq_factor", Double.NaN),
                number(n, "high_freq_factor", Double.NaN),
                number(n, "attention_factor", Double.NaN),
                number(n, "beta_fast", 32),
                number(n, "beta_slow", 1),
                List.of(),
                List.of());
        if (type == Type.LLAMA3) {
            if (s.originalMaxPositionEmbeddings() <= 0) {
                problems.add("rope_scaling llama3 needs original_max_position_embeddings > 0");
            }
            if (!(s.highFreqFactor() > s.lowFreqFactor()) || !(s.lowFreqFactor() > 0)) {
                problems.add("rope_scaling llama3 needs 0 < low_freq_factor < high_freq_factor, got "
                        + n.get("low_freq_factor") + " and " + n.get("high_freq_factor"));
            }
        }
        if (type == Type.YARN && !(s.betaFast() > s.betaSlow())) {
            problems.add("rope_scaling yarn needs beta_fast > beta_slow, got " + s.betaFast() + " and " + s.betaSlow());
        }
        return s;
    }

    private static RopeScaling parseLongRope(
            JsonNode n, JsonNode config, int headDim, int maxPositionEmbeddings, List<String> problems) {
        int original = n.hasNonNull("original_max_position_embeddings")
                ? n.get("original_max_position_embeddings").asInt(0)
                : config.path("original_max_position_embeddings").asInt(0);
        if (original <= 0) {
            problems.add("rope_scaling longrope needs original_max_position_embeddings > 0 (in rope_scaling or at the"
                    + " top level of config.json)");
        }
        double factor = n.hasNonNull("factor")
                ? number(n, "factor", Double.NaN)
                : maxPositionEmbeddings / (double) Math.max(1, original);
        if (!(factor > 0)) {
            problems.add("rope_scaling.factor must be a positive number, got " + n.get("factor"));
        }
        List<Double> shortFactor = factors(n, "short_factor", headDim / 2, problems);
        List<Double> longFactor = factors(n, "long_factor", headDim / 2, problems);
        return new RopeScaling(
                Type.LONGROPE,
                factor,
                original,
                0,
                0,
                number(n, "attention_factor", Double.NaN),
                0,
                0,
                shortFactor,
                longFactor);
    }

    /** A longrope factor list: head_dim / 2 positive numbers. */
    private static List<Double> factors(JsonNode n, String field, int length, List<String> problems) {
        JsonNode list = n.get(field);
        List<Double> out = new ArrayList<>();
        if (list == null || !list.isArray() || list.size() != length) {
            problems.add("rope_scaling." + field + " must be a list of head_dim / 2 = " + length + " numbers, got "
                    + (list == null ? "nothing" : list.isArray() ? list.size() + " entries" : list.getNodeType()));
            return out;
        }
        for (JsonNode v : list) {
            if (!v.isNumber() || !(v.asDouble() > 0)) {
                problems.add("rope_scaling." + field + " must hold positive numbers, got " + v);
                return out;
            }
            out.add(v.asDouble());
        }
        return out;
    }

    private static double number(JsonNode n, String field, double dflt) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? dflt : v.isNumber() ? v.asDouble() : Double.NaN;
    }

    /** Writes this as config.json's {@code rope_scaling} object. */
    void write(ObjectNode n) {
        if (type == Type.LONGROPE) {
            // Phi-3's own form: exactly type, short_factor and long_factor (older Phi3Config accepts no more);
            // original_max_position_embeddings goes at the top level, and factor follows from the two lengths
            n.put("type", type.wire());
            appendAll(n.putArray("short_factor"), shortFactor);
            appendAll(n.putArray("long_factor"), longFactor);
            return;
        }
        n.put("rope_type", type.wire());
        n.put("factor", factor);
        switch (type) {
            case LLAMA3 -> {
                n.put("low_freq_factor", lowFreqFactor);
                n.put("high_freq_factor", highFreqFactor);
                n.put("original_max_position_embeddings", originalMaxPositionEmbeddings);
            }
            case YARN -> {
                if (originalMaxPositionEmbeddings > 0) {
                    n.put("original_max_position_embeddings", originalMaxPositionEmbeddings);
                }
                if (!Double.isNaN(attentionFactor)) {
                    n.put("attention_factor", attentionFactor);
                }
                n.put("beta_fast", betaFast);
                n.put("beta_slow", betaSlow);
            }
            default -> {}
        }
    }

    private static void appendAll(ArrayNode a, List<Double> values) {
        values.forEach(a::add);
    }

    /** The scale of cos and sin: yarn's and longrope's attention factor, 1 otherwise. */
    public double cosSinScale() {
        if (!Double.isNaN(attentionFactor) && (type == Type.YARN || type == Type.LONGROPE)) {
            return attentionFactor;
        }
        return switch (type) {
            case YARN -> 0.1 * Math.log(factor) + 1.0;
            case LONGROPE -> factor <= 1.0
                    ? 1.0
                    : Math.sqrt(1 + Math.log(factor) / Math.log(originalMaxPositionEmbeddings));
            default -> 1.0;
        };
    }

    /** Whether the frequencies depend on the input's length ({@code dynamic}, {@code longrope}). */
    public boolean dependsOnLength() {
        return type == Type.DYNAMIC || type == Type.LONGROPE;
    }

    /**
     * Whether keys rotated for an input of {@code cachedLength} positions still fit an input that grows to
     * {@code length}: not when longrope crosses its original context (transformers' Phi3ForCausalLM drops
     * its cache there too). Dynamic NTK changes its frequencies past the context as well, and transformers
     * keeps the cache anyway; so do we.
     */
    public boolean keepsCachedKeys(int cachedLength, int length) {
        return type != Type.LONGROPE
                || (cachedLength > originalMaxPositionEmbeddings) == (length > originalMaxPositionEmbeddings);
    }

    /**
     * The longest input (position + 1) the default frequencies serve; longer ones get their own (see
     * {@link #invFreq}): the trained context for dynamic, longrope's original one.
     */
    public int lengthThreshold(int maxPositionEmbeddings) {
        return type == Type.LONGROPE ? originalMaxPositionEmbeddings : maxPositionEmbeddings;
    }

    /**
     * The scaled inverse frequencies, [hs/2].
     *
     * @param base the unscaled f_j = theta^(-2j/hs)
     * @param seqLen the input's longest position + 1 (used by {@code dynamic} and {@code longrope})
     */
    public double[] invFreq(double[] base, int headDim, double theta, int maxPositionEmbeddings, int seqLen) {
        int half = base.length;
        double[] out = new double[half];
        switch (type) {
            case LINEAR -> {
                for (int j = 0; j < half; j++) {
                    out[j] = base[j] / factor;
                }
            }
            case DYNAMIC -> {
                if (seqLen <= maxPositionEmbeddings) {
                    return base.clone();
                }
                double scaled = theta
                        * Math.pow(
                                factor * seqLen / maxPositionEmbeddings - (factor - 1),
                                headDim / (double) (headDim - 2));
                for (int j = 0; j < half; j++) {
                    out[j] = 1.0 / Math.pow(scaled, (2.0 * j) / headDim);
                }
            }
            case YARN -> {
                // the dimension whose frequency turns `rotations` times over the trained context (the
                // rope_scaling's original_max_position_embeddings when given, as newer transformers read it)
                int ctx = originalMaxPositionEmbeddings > 0 ? originalMaxPositionEmbeddings : maxPositionEmbeddings;
                double lowDim = Math.floor(correctionDim(betaFast, headDim, theta, ctx));
                double highDim = Math.ceil(correctionDim(betaSlow, headDim, theta, ctx));
                double low = Math.max(lowDim, 0);
                double high = Math.min(highDim, headDim - 1);
                if (low == high) {
                    high += 0.001; // transformers' guard against a zero-width ramp
                }
                for (int j = 0; j < half; j++) {
                    double ramp = Math.min(1, Math.max(0, (j - low) / (high - low)));
                    double extrapolation = 1 - ramp; // weight of the unscaled frequency
                    out[j] = base[j] / factor * (1 - extrapolation) + base[j] * extrapolation;
                }
            }
            case LONGROPE -> {
                List<Double> ext = seqLen > originalMaxPositionEmbeddings ? longFactor : shortFactor;
                for (int j = 0; j < half; j++) {
                    out[j] = base[j] / ext.get(j);
                }
            }
            case LLAMA3 -> {
                double lowWavelen = originalMaxPositionEmbeddings / lowFreqFactor;
                double highWavelen = originalMaxPositionEmbeddings / highFreqFactor;
                for (int j = 0; j < half; j++) {
                    double wavelen = 2 * Math.PI / base[j];
                    if (wavelen < highWavelen) {
                        out[j] = base[j];
                    } else if (wavelen > lowWavelen) {
                        out[j] = base[j] / factor;
                    } else {
                        double s = (originalMaxPositionEmbeddings / wavelen - lowFreqFactor)
                                / (highFreqFactor - lowFreqFactor);
                        out[j] = (1 - s) * base[j] / factor + s * base[j];
                    }
                }
            }
        }
        return out;
    }

    private static double correctionDim(double rotations, int headDim, double theta, int maxPos) {
        return headDim * Math.log(maxPos / (rotations * 2 * Math.PI)) / (2 * Math.log(theta));
    }
}
