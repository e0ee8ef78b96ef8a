package org.lorapipe.contract.event;

/**
 * Memory of a training process, in bytes.
 *
 * @param rssBytes resident set size of the process now
 * @param weightBytes base weights as held (4-bit codes + scales for NF4)
 * @param trainableBytes the adapter's parameters
 * @param optimizerBytes optimizer state (AdamW: two moments per trainable parameter)
 * @param peakRssBytes peak resident set size so far
 */
public record MemoryUsage(
        long rssBytes, long weightBytes, long trainableBytes, long optimizerBytes, Long peakRssBytes) {}
