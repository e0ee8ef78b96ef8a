package org.lorapipe.model.io;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.lorapipe.model.ModelFormatException;

/** Floating-point storage types we read and write; compute is always fp32. */
public enum DType {
    F32(4),
    F16(2),
    BF16(2);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }

    /** The safetensors spelling ("F32", "F16", "BF16"). */
    public String safetensorsName() {
        return name();
    }

    /** The Hugging Face config.json spelling ({@code torch_dtype}). */
    public String torchName() {
        return switch (this) {
            case F32 -> "float32";
            case F16 -> "float16";
            case BF16 -> "bfloat16";
        };
    }

    /** Parses "F32"/"float32"/"fp32" and friends, case-insensitive. */
    public static DType parse(String s) {
        return switch (s.trim().toLowerCase()) {
            case "f32", "float32", "fp32", "float" -> F32;
            case "f16", "float16", "fp16", "half" -> F16;
            case "bf16", "bfloat16" -> BF16;
            default -> throw new IllegalArgumentException("unknown dtype '" + s + "' (supported: " + supported() + ")");
        };
    }

    static DType fromSafetensors(String s, Path file, String tensor) {
        for (DType d : values()) {
            if (d.name().equals(s)) {
                return d;
            }
        }
        throw new ModelFormatException(file + ": tensor '" + tensor + "' has dtype " + s
                + ", which is not supported (supported: " + supported()
                + "); convert the checkpoint to a floating-point dtype first");
    }

    static String supported() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
