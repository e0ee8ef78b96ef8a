package org.lorapipe.contract.event;

/** One file of a published model: its path inside the model folder, size and SHA-256 (hex). */
public record ModelFile(String path, long bytes, String sha256) {}
