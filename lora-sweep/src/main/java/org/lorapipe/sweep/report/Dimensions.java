package org.lorapipe.sweep.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lorapipe.contract.sweep.SweepPlan;
import org.lorapipe.contract.sweep.SweepSetting;

/**
 * The plan's axes grouped into the dimensions a sweep varies along. An axis's value in a setting is the
 * setting's override, else the base request's value, else "(default)". Axes that always change together
 * (each value of one goes with one value of the other, as {@code lora.r} and {@code lora.alpha} in
 * settings {@code r=4, alpha=8} and {@code r=16, alpha=32}) are one dimension: they split the settings
 * the same way, and a chart against one of them is the chart against the other.
 *
 * <p>A listed setting may carry a {@code name} (docs/CONTRACT.md "Sweeps"): when the names of the listed
 * settings split the settings as a dimension does, the dimension goes by the names ({@code alpaca}
 * rather than a data set's URI and its tasks).
 *
 * @param axes the request paths of the dimension, in plan order
 * @param values the dimension's values as people read them, in order of first appearance in the plan's
 *     settings ({@code 16} or, for several axes, {@code 16, 32})
 * @param names the listed settings' names standing for {@code values}, in the same order; null when the
 *     dimension does not go by names
 * @param valueOf for each setting (in plan order), the index of its value
 * @param axisValues for each setting, its value of each axis of the dimension
 */
record Dimensions(
        List<String> axes,
        List<String> values,
        List<String> names,
        List<Integer> valueOf,
        List<List<String>> axisValues) {

    static final String DEFAULT = "(default)";

    /** Whether the settings differ along it (only such a dimension gets a chart). */
    boolean varies() {
        return values.size() > 1;
    }

    /** What a chart calls the values: the names, when the dimension goes by names. */
    List<String> labels() {
        return names == null ? values : names;
    }

    /**
     * {@code lora.r=16, lora.alpha=32}: the dimension's axes with the values of setting {@code i}; or its
     * name when the dimension goes by names.
     */
    String describe(int setting) {
        if (names != null) {
            return names.get(valueOf.get(setting));
        }
        List<String> parts = new ArrayList<>();
        for (int a = 0; a < axes.size(); a++) {
            parts.add(axes.get(a) + "=" + axisValues.get(setting).get(a));
        }
        return String.join(", ", parts);
    }

    /** The plan's dimensions, in the order of their first axis. */
    static List<Dimensions> of(SweepPlan plan) {
        List<SweepSetting> settings = plan.settings();
        JsonNode base = plan.request() == null ? null : plan.request().path("base");
        // an axis's partition of the settings: for each setting, the first setting with the same value
        Map<List<Integer>, List<String>> axesByPartition = new LinkedHashMap<>();
        Map<String, List<String>> valuesByAxis = new LinkedHashMap<>();
        for (String axis : plan.axes()) {
            List<String> values = new ArrayList<>();
            for (SweepSetting s : settings) {
                values.add(value(s, axis, base));
            }
            List<Integer> partition = new ArrayList<>();
            for (String v : values) {
                partition.add(values.indexOf(v));
            }
            valuesByAxis.put(axis, values);
            axesByPartition.computeIfAbsent(partition, p -> new ArrayList<>()).add(axis);
        }
        List<String> names = listedNames(plan);
        List<Dimensions> out = new ArrayList<>();
        axesByPartition.forEach((partition, axes) -> {
            List<List<String>> axisValues = new ArrayList<>();
            List<String> labels = new ArrayList<>();
            List<Integer> valueOf = new ArrayList<>();
            for (int i = 0; i < settings.size(); i++) {
                List<String> own = new ArrayList<>();
                for (String axis : axes) {
                    own.add(valuesByAxis.get(axis).get(i));
                }
                axisValues.add(List.copyOf(own));
                String label = String.join(", ", own);
                if (!labels.contains(label)) {
                    labels.add(label);
                }
                valueOf.add(labels.indexOf(label));
            }
            out.add(new Dimensions(
                    List.copyOf(axes),
                    List.copyOf(labels),
                    namesOf(names, valueOf, labels.size()),
                    List.copyOf(valueOf),
                    List.copyOf(axisValues)));
        });
        return out;
    }

    /**
     * For each setting, the name of the listed setting it comes from (settings are the list crossed with
     * the grid's combinations, so listed setting i gives settings i * c + 1 to (i + 1) * c); null for
     * none, or when the request does not line up with the plan.
     */
    private static List<String> listedNames(SweepPlan plan) {
        int count = plan.settings().size();
        List<String> names = new ArrayList<>(Collections.nCopies(count, (String) null));
        JsonNode listed = plan.request() == null ? null : plan.request().path("settings");
        if (listed == null || !listed.isArray() || listed.isEmpty() || count % listed.size() != 0) {
            return names;
        }
        int perListed = count / listed.size();
        for (int i = 0; i < count; i++) {
            JsonNode name = listed.get(i / perListed).path("name");
            names.set(i, name.isTextual() ? name.textValue() : null);
        }
        return names;
    }

    /** The names of a dimension's values, when every setting has one and they split the settings alike. */
    private static List<String> namesOf(List<String> names, List<Integer> valueOf, int values) {
        List<String> byValue = new ArrayList<>(Collections.nCopies(values, (String) null));
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            String earlier = byValue.get(valueOf.get(i));
            if (name == null || (earlier != null && !earlier.equals(name))) {
                return null;
            }
            byValue.set(valueOf.get(i), name);
        }
        return byValue.stream().distinct().count() == values ? List.copyOf(byValue) : null;
    }

    private static String value(SweepSetting s, String axis, JsonNode base) {
        JsonNode v = s.overrides().get(axis);
        if (v == null && base != null) {
            v = base;
            for (String field : axis.split("\\.")) {
                v = v.path(field);
            }
            if (v.isMissingNode() || v.isNull()) {
                v = null;
            }
        }
        if (v == null) {
            return DEFAULT;
        }
        return v.isTextual() ? v.textValue() : v.toString();
    }
}
