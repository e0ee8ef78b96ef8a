package org.lorapipe.model.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lorapipe.model.ModelFormatException;

/**
 * Reads one safetensors file tensor by tensor through a {@link FileChannel}: the header is parsed and
 * checked up front (offsets inside the file, byte counts equal to shape x dtype), tensor data is read
 * in chunks of at most {@link #chunkBytes} and copied into PyTorch-owned memory. F16/BF16 are
 * widened to fp32 in Java.
 *
 * <p>Layout: u64 little-endian header length N, N bytes of JSON {name: {dtype, shape, data_offsets:
 * [begin, end]}, "__metadata__": {...}}, then the data section.
 */
public final class SafetensorsFile implements TensorSource {

    /** Upper bound of one read/convert step (and of the direct staging buffers); tests lower it. */
    static volatile int chunkBytes = 32 << 20;

    private static final long MAX_HEADER = 100L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(
            Path file,
            FileChannel channel,
            long dataStart,
            Map<String, TensorInfo> tensors,
            Map<String, String> metadata) {
        this.file = file;
        this.channel = channel;
        this.dataStart = dataStart;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /** Opens and validates the header; the file stays open until {@link #close()}. */
    public static SafetensorsFile open(Path file) {
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new ModelFormatException("safetensors file not found: " + file);
        } catch (IOException e) {
            throw new ModelFormatException("cannot open safetensors file " + file + ": " + e.getMessage(), e);
        }
        try {
            return parse(file, ch);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    private static SafetensorsFile parse(Path file, FileChannel ch) {
        try {
            long size = ch.size();
            if (size < 8) {
                throw new ModelFormatException(file + ": not a safetensors file (" + size
                        + " bytes, expected at least an 8-byte header length)");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0, file);
            long headerLen = lenBuf.getLong(0);
            if (headerLen <= 0 || headerLen > size - 8 || headerLen > MAX_HEADER) {
                throw new ModelFormatException(file + ": safetensors header length " + headerLen
                        + " is past the end of the file (" + size + " bytes) or implausible;"
                        + " the file is truncated or not a safetensors file");
            }
            ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
            readFully(ch, headerBuf, 8, file);
            JsonNode header;
            try {
                header = JSON.readTree(new String(headerBuf.array(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new ModelFormatException(file + ": safetensors header is not valid JSON: " + e.getMessage());
            }
            if (header == null || !header.isObject()) {
                throw new ModelFormatException(file + ": safetensors header is not a JSON object");
            }
            long dataStart = 8 + headerLen;
            long dataSize = size - dataStart;
            Map<String, TensorInfo> tensors = new LinkedHashMap<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            List<TensorInfo> ordered = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    e.getValue()
                            .fields()
                            .forEachRemaining(
                                    m -> metadata.put(m.getKey(), m.getValue().asText()));
                    continue;
                }
                ordered.add(parseTensor(file, e.getKey(), e.getValue(), dataSize));
            }
            ordered.sort((a, b) -> Long.compare(a.begin(), b.begin()));
            TensorInfo previous = null;
            for (TensorInfo t : ordered) {
                if (previous != null && t.begin() < previous.end()) {
                    throw new ModelFormatException(file + ": tensors '" + previous.name() + "' and '" + t.name()
                            + "' share bytes (data_offsets overlap); the header is corrupt");
                }
                tensors.put(t.name(), t);
                previous = t;
            }
            return new SafetensorsFile(
                    file, ch, dataStart, Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata));
        } catch (IOException e) {
            throw new ModelFormatException("cannot read safetensors file " + file + ": " + e.getMessage(), e);
        }
    }

    private static TensorInfo parseTensor(Path file, String name, JsonNode node, long dataSize) {
        JsonNode dtype = node.get("dtype");
        JsonNode shapeNode = node.get("shape");
        JsonNode offsets = node.get("data_offsets");
        if (dtype == null
                || shapeNode == null
                || !shapeNode.isArray()
                || offsets == null
                || !offsets.isArray()
                || offsets.size() != 2) {
            throw new ModelFormatException(file + ": tensor '" + name
                    + "' has a malformed header entry (expected dtype, shape and data_offsets [begin, end]): " + node);
        }
        DType dt = DType.fromSafetensors(dtype.asText(), file, name);
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asLong(-1);
            if (shape[i] < 0) {
                throw new ModelFormatException(
                        file + ": tensor '" + name + "' has a negative dimension in " + shapeNode);
            }
        }
        long begin = offsets.get(0).asLong(-1);
        long end = offsets.get(1).asLong(-1);
        long expected;
        try {
            expected = Math.multiplyExact(TensorInfo.elementCount(shape), (long) dt.bytes());
        } catch (ArithmeticException e) {
            throw new ModelFormatException(file + ": tensor '" + name + "' has shape " + shortened(shapeNode.toString())
                    + ", whose byte count does not fit in 64 bits; the header is corrupt or hostile");
        }
        if (begin < 0 || end < begin) {
            throw new ModelFormatException(file + ": tensor '" + name + "' has invalid data_offsets " + offsets);
        }
        if (end - begin != expected) {
            throw new ModelFormatException(file + ": tensor '" + name + "' shape " + shapeNode + " x " + dt
                    + " needs " + expected + " bytes but data_offsets " + offsets + " span " + (end - begin)
                    + " bytes; the header is corrupt");
        }
        if (end > dataSize) {
            throw new ModelFormatException(file + ": tensor '" + name + "' ends at byte " + end
                    + " of the data section but the file holds only " + dataSize
                    + " data bytes; the file is truncated (re-download or re-export it)");
        }
        return new TensorInfo(name, dt, shape, begin, end);
    }

    private static String shortened(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "... (" + text.length() + " characters)";
    }

    public Path file() {
        return file;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public List<String> names() {
        return List.copyOf(tensors.keySet());
    }

    @Override
    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    @Override
    public TensorInfo info(String name) {
        TensorInfo t = tensors.get(name);
        if (t == null) {
            throw new ModelFormatException(
                    file + ": no tensor named '" + name + "' (the file holds " + tensors.size() + " tensors)");
        }
        return t;
    }

    @Override
    public NDArray load(String name, NDManager manager) {
        TensorInfo t = info(name);
        return loadFloat32(manager, t.shape(), (firstElem, count, dst) -> readAsFloat32(t, firstElem, count, dst));
    }

    /** Fills {@code dst} (native order, fp32) with elements [first, first+count) of the tensor. */
    void readAsFloat32(TensorInfo t, long first, int count, ByteBuffer dst) {
        long pos = dataStart + t.begin() + first * t.dtype().bytes();
        int bytes = count * t.dtype().bytes();
        if (t.dtype() == DType.F32) {
            ByteBuffer slice = dst.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            slice.limit(bytes);
            readFully(channel, slice, pos, file);
            return;
        }
        ByteBuffer src = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, src, pos, file);
        ByteBuffer out = dst.duplicate().order(ByteOrder.nativeOrder());
        boolean bf16 = t.dtype() == DType.BF16;
        for (int i = 0; i < count; i++) {
            short s = src.getShort(i * 2);
            out.putFloat(i * 4, bf16 ? HalfFloats.bf16ToFloat(s) : HalfFloats.f16ToFloat(s));
        }
    }

    /** Supplies fp32 elements of a tensor in chunks. */
    @FunctionalInterface
    interface ChunkReader {
        void read(long firstElement, int count, ByteBuffer dst);
    }

    /**
     * Builds an fp32 array chunk by chunk along dimension 0: each chunk is staged in one direct buffer,
     * wrapped as a temporary array, copied into PyTorch-owned memory and closed, so no Java array or
     * direct buffer ever holds the whole tensor.
     */
    static NDArray loadFloat32(NDManager manager, long[] shape, ChunkReader reader) {
        if (!ByteOrder.nativeOrder().equals(ByteOrder.LITTLE_ENDIAN)) {
            throw new UnsupportedOperationException("big-endian platforms are not supported");
        }
        long numel = TensorInfo.elementCount(shape);
        Shape full = new Shape(shape);
        if (numel == 0) {
            return manager.zeros(full, DataType.FLOAT32);
        }
        long rows = shape.length == 0 ? 1 : shape[0];
        long rowElems = numel / rows;
        long rowsPerChunk = Math.max(1, chunkBytes / 4 / rowElems);
        if (rowElems * 4 > Integer.MAX_VALUE) {
            throw new ModelFormatException("tensor of shape " + full + " has rows over 2 GiB; not supported");
        }
        if (rowsPerChunk >= rows) {
            ByteBuffer buf = ByteBuffer.allocateDirect((int) (numel * 4)).order(ByteOrder.nativeOrder());
            reader.read(0, (int) numel, buf);
            try (NDArray staged = manager.create(buf, full, DataType.FLOAT32)) {
                return staged.duplicate(); // PyTorch-owned copy; the direct buffer can go
            }
        }
        ByteBuffer buf =
                ByteBuffer.allocateDirect((int) (rowsPerChunk * rowElems * 4)).order(ByteOrder.nativeOrder());
        NDArray out = manager.zeros(full, DataType.FLOAT32);
        try {
            for (long r = 0; r < rows; r += rowsPerChunk) {
                long n = Math.min(rowsPerChunk, rows - r);
                long[] chunkShape = shape.clone();
                chunkShape[0] = n;
                ByteBuffer view = buf.duplicate().order(ByteOrder.nativeOrder());
                view.limit((int) (n * rowElems * 4));
                reader.read(r * rowElems, (int) (n * rowElems), view);
                try (NDArray staged = manager.create(
                        view.slice().order(ByteOrder.nativeOrder()), new Shape(chunkShape), DataType.FLOAT32)) {
                    out.set(new NDIndex(r + ":" + (r + n)), staged);
                }
            }
            return out;
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    static void readFully(FileChannel ch, ByteBuffer dst, long position, Path file) {
        try {
            long pos = position;
            while (dst.hasRemaining()) {
                int n = ch.read(dst, pos);
                if (n < 0) {
                    throw new ModelFormatException(
                            file + ": unexpected end of file at byte " + pos + "; the file is truncated");
                }
                pos += n;
            }
        } catch (IOException e) {
            throw new ModelFormatException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing useful to do
        }
    }

    @Override
    public String toString() {
        return "SafetensorsFile[" + file + ", " + tensors.size() + " tensors]";
    }

    static boolean exists(Path p) {
        return Files.isRegularFile(p);
    }
}
