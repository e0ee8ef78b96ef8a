package org.lorapipe.charts;

/**
 * A linear map from data values to pixels: {@code from} lands on {@code pxFrom}, {@code to} on
 * {@code pxTo}. A y axis runs from the bottom pixel up, so its {@code pxFrom} is the larger one.
 */
public record Scale(double from, double to, double pxFrom, double pxTo) {

    public double at(double v) {
        return pxFrom + (v - from) / (to - from) * (pxTo - pxFrom);
    }
}
