package org.lorapipe.sweep.report;

/**
 * One SVG file of the report.
 *
 * @param file its name in the report folder
 * @param title what report.md calls it
 */
record Chart(String file, String title, String svg) {}
