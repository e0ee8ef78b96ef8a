package org.lorapipe.model.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Streams tensors into one safetensors file. The header needs every name, dtype and shape up front, so
 * the writer is created with the full list of {@link TensorInfo}s, then {@link #write} is called once
 * per tensor in that order; data is converted to the target dtype and written chunk by chunk. The file
 * is written under a temporary name and renamed on {@link #close()} once complete.
 */
public final class SafetensorsWriter implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Path partial;
    private final FileChannel channel;
    private final List<TensorInfo> specs;
    private int next;
    private boolean failed;

    private SafetensorsWriter(Path file, Path partial, FileChannel channel, List<TensorInfo> specs) {
        this.file = file;
        this.partial = partial;
        this.channel = channel;
        this.specs = specs;
    }

    /**
     * Starts a file holding {@code tensors} (name, dtype, shape; offsets are computed here) with
     * optional string metadata (e.g. {"format": "pt"}).
     */
    public static SafetensorsWriter create(Path file, List<TensorInfo> tensors, Map<String, String> metadata)
            throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        List<TensorInfo> placed = new ArrayList<>();
        long offset = 0;
        for (TensorInfo t : tensors) {
            long bytes = t.numel() * t.dtype().bytes();
            ObjectNode n = header.putObject(t.name());
            n.put("dtype", t.dtype().safetensorsName());
            ArrayNode shape = n.putArray("shape");
            Arrays.stream(t.shape()).forEach(shape::add);
            ArrayNode offs = n.putArray("data_offsets");
            offs.add(offset);
            offs.add(offset + bytes);
            placed.add(new TensorInfo(t.name(), t.dtype(), t.shape(), offset, offset + bytes));
            offset += bytes;
        }
        if (header.size() != tensors.size() + (header.has("__metadata__") ? 1 : 0)) {
            throw new IllegalArgumentException("duplicate tensor names in "
                    + tensors.stream().map(TensorInfo::name).toList());
        }
        byte[] json = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8; // data section aligned to 8 bytes, padded with spaces
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        FileChannel ch = FileChannel.open(
                partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        try {
            writeFully(ch, head);
        } catch (IOException e) {
            ch.close();
            Files.deleteIfExists(partial);
            throw e;
        }
        return new SafetensorsWriter(file, partial, ch, List.copyOf(placed));
    }

    /** Size in bytes the file will have (header excluded): the sum of tensor byte sizes. */
    public static long dataBytes(List<TensorInfo> tensors) {
        return tensors.stream().mapToLong(t -> t.numel() * t.dtype().bytes()).sum();
    }

    /**
     * Writes the next tensor. {@code array} must have the declared shape; any floating dtype is
     * accepted and converted to the declared storage dtype.
     */
    public void write(String name, NDArray array) throws IOException {
        TensorInfo spec = expect(name);
        if (!Arrays.equals(array.getShape().getShape(), spec.shape())) {
            failed = true;
            throw new IllegalArgumentException("tensor '" + name + "' has shape " + array.getShape()
                    + " but the header declares " + spec.shapeString());
        }
        long numel = spec.numel();
        if (numel == 0) {
            next++;
            return;
        }
        long[] shape = spec.shape();
        long rows = shape.length == 0 ? 1 : shape[0];
        long rowElems = numel / rows;
        long rowsPerChunk = Math.max(1, SafetensorsFile.chunkBytes / 4 / rowElems);
        try {
            for (long r = 0; r < rows; r += rowsPerChunk) {
                long n = Math.min(rowsPerChunk, rows - r);
                boolean whole = n == rows;
                NDArray part = whole ? array : array.get(new NDIndex(r + ":" + (r + n)));
                NDArray f32 = part.getDataType() == DataType.FLOAT32 ? part : part.toType(DataType.FLOAT32, true);
                try {
                    ByteBuffer src = f32.toByteBuffer().order(ByteOrder.nativeOrder());
                    writeFully(channel, convert(src, (int) (n * rowElems), spec.dtype()));
                } finally {
                    if (f32 != part) {
                        f32.close();
                    }
                    if (!whole) {
                        part.close();
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            failed = true;
            throw e;
        }
        next++;
    }

    /** Writes the next tensor from fp32 values produced by {@code source(first, count, dst)}. */
    public void write(String name, FloatChunks source) throws IOException {
        TensorInfo spec = expect(name);
        long numel = spec.numel();
        int chunk = SafetensorsFile.chunkBytes / 4;
        ByteBuffer buf =
                ByteBuffer.allocateDirect((int) Math.min(numel, chunk) * 4).order(ByteOrder.nativeOrder());
        try {
            for (long i = 0; i < numel; i += chunk) {
                int n = (int) Math.min(chunk, numel - i);
                buf.clear();
                source.read(i, n, buf);
                writeFully(channel, convert(buf, n, spec.dtype()));
            }
        } catch (IOException | RuntimeException e) {
            failed = true;
            throw e;
        }
        next++;
    }

    /** A producer of fp32 values in chunks (native byte order, absolute indices into {@code dst}). */
    @FunctionalInterface
    public interface FloatChunks {
        void read(long firstElement, int count, ByteBuffer dst);
    }

    private TensorInfo expect(String name) {
        if (next >= specs.size()) {
            failed = true;
            throw new IllegalStateException("tensor '" + name + "' was not declared; declared: "
                    + specs.stream().map(TensorInfo::name).toList());
        }
        TensorInfo spec = specs.get(next);
        if (!spec.name().equals(name)) {
            failed = true;
            throw new IllegalStateException(
                    "tensors must be written in declaration order: expected '" + spec.name() + "', got '" + name + "'");
        }
        return spec;
    }

    private static ByteBuffer convert(ByteBuffer src, int count, DType dtype) {
        ByteBuffer out = ByteBuffer.allocate(count * dtype.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        switch (dtype) {
            case F32 -> {
                for (int i = 0; i < count; i++) {
                    out.putFloat(i * 4, src.getFloat(i * 4));
                }
            }
            case F16 -> {
                for (int i = 0; i < count; i++) {
                    out.putShort(i * 2, HalfFloats.floatToF16(src.getFloat(i * 4)));
                }
            }
            case BF16 -> {
                for (int i = 0; i < count; i++) {
                    out.putShort(i * 2, HalfFloats.floatToBf16(src.getFloat(i * 4)));
                }
            }
        }
        return out;
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    /** The declared tensors with their computed offsets. */
    public List<TensorInfo> tensors() {
        return specs;
    }

    /**
     * Completes the file: if every declared tensor was written it is renamed into place, otherwise the
     * partial file is deleted and an exception names the missing tensors.
     */
    @Override
    public void close() throws IOException {
        if (!channel.isOpen()) {
            return;
        }
        channel.force(false);
        channel.close();
        if (failed || next != specs.size()) {
            Files.deleteIfExists(partial);
            if (!failed) {
                throw new IllegalStateException(
                        file + ": only " + next + " of " + specs.size() + " tensors were written; missing from '"
                                + specs.get(next).name() + "'");
            }
            return;
        }
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Convenience: writes every tensor of an in-memory map in one call (used by tests and adapters). */
    public static void writeAll(Path file, Map<String, NDArray> arrays, DType dtype, Map<String, String> metadata)
            throws IOException {
        List<TensorInfo> specs = new ArrayList<>();
        arrays.forEach((k, v) -> specs.add(TensorInfo.of(k, dtype, v.getShape().getShape())));
        try (SafetensorsWriter w = create(file, specs, metadata == null ? new LinkedHashMap<>() : metadata)) {
            for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
                w.write(e.getKey(), e.getValue());
            }
        }
    }
}
