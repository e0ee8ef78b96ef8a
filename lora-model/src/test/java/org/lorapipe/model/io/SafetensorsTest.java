package org.lorapipe.model.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.lorapipe.model.DjlRuntime;
import org.lorapipe.model.ModelFormatException;
import org.lorapipe.testkit.TestData;

class SafetensorsTest {

    @TempDir
    Path tmp;

    NDManager m;

    @BeforeEach
    void setUp() {
        m = DjlRuntime.newManager(Device.cpu());
        DjlRuntime.engine().setRandomSeed(7);
    }

    @AfterEach
    void tearDown() {
        m.close();
        SafetensorsFile.chunkBytes = 32 << 20;
    }

    private Map<String, NDArray> sample() {
        Map<String, NDArray> a = new LinkedHashMap<>();
        a.put("big.weight", m.randomNormal(0f, 3f, new Shape(37, 19), DataType.FLOAT32));
        a.put("bias", m.randomNormal(new Shape(5)));
        a.put("scalar", m.create(3.25f).reshape(new Shape()));
        a.put("cube", m.randomUniform(-70000f, 70000f, new Shape(2, 3, 4)));
        return a;
    }

    /** What a dtype keeps of a float, computed in Java. */
    private static float quantize(float f, DType d) {
        return switch (d) {
            case F32 -> f;
            case F16 -> HalfFloats.f16ToFloat(HalfFloats.floatToF16(f));
            case BF16 -> HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(f));
        };
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void writesAndReadsBackEveryDtype(DType dtype) throws IOException {
        SafetensorsFile.chunkBytes = 64; // force the chunked paths (several rows per chunk, partial last chunk)
        Map<String, NDArray> arrays = sample();
        Path f = tmp.resolve("t.safetensors");
        SafetensorsWriter.writeAll(f, arrays, dtype, Map.of("format", "pt"));
        try (SafetensorsFile sf = SafetensorsFile.open(f)) {
            assertThat(sf.names()).containsExactlyElementsOf(arrays.keySet());
            assertThat(sf.metadata()).containsEntry("format", "pt");
            for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
                TensorInfo info = sf.info(e.getKey());
                assertThat(info.dtype()).isEqualTo(dtype);
                assertThat(info.shape()).isEqualTo(e.getValue().getShape().getShape());
                NDArray back = sf.load(e.getKey(), m);
                assertThat(back.getDataType()).isEqualTo(DataType.FLOAT32);
                assertThat(back.getShape()).isEqualTo(e.getValue().getShape());
                float[] want = e.getValue().toFloatArray();
                float[] got = back.toFloatArray();
                for (int i = 0; i < want.length; i++) {
                    assertThat(got[i]).isEqualTo(quantize(want[i], dtype));
                }
            }
        }
        assertThat(Files.exists(tmp.resolve("t.safetensors.partial"))).isFalse();
    }

    @Test
    void ourF32FilesDecodeWithDjlAndDjlFilesDecodeWithUs() throws IOException {
        Map<String, NDArray> arrays = sample();
        Path f = tmp.resolve("ours.safetensors");
        SafetensorsWriter.writeAll(f, arrays, DType.F32, null);
        NDList theirs = NDList.decode(m, Files.readAllBytes(f));
        assertThat(theirs).hasSize(arrays.size());
        for (NDArray a : theirs) {
            assertThat(a.toFloatArray()).containsExactly(arrays.get(a.getName()).toFloatArray());
        }
        // the GPT-2 fixture was written by the Python safetensors library
        Path gpt2 = TestData.file("models/hf-fake-gpt2/model.safetensors");
        NDList reference = NDList.decode(m, Files.readAllBytes(gpt2));
        try (SafetensorsFile sf = SafetensorsFile.open(gpt2)) {
            assertThat(sf.names()).hasSize(reference.size());
            for (NDArray r : reference) {
                assertThat(sf.load(r.getName(), m).toFloatArray()).containsExactly(r.toFloatArray());
            }
        }
    }

    @Test
    void shardedCheckpointWithIndexRoundTrips() throws IOException {
        Map<String, NDArray> arrays = sample();
        List<String> names = List.copyOf(arrays.keySet());
        List<Path> files = HfModelExporter.writeWeights(
                names, new NDArrayTensorSource(arrays), tmp, new HfModelExporter.Options(DType.BF16, 30));
        assertThat(files)
                .extracting(p -> p.getFileName().toString())
                .contains("model-00001-of-00003.safetensors", "model.safetensors.index.json");
        assertThat(Files.readString(tmp.resolve("model.safetensors.index.json")))
                .contains("weight_map", "total_size");
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(tmp)) {
            assertThat(ckpt.files()).hasSize(3);
            assertThat(ckpt.names()).containsExactlyInAnyOrderElementsOf(names);
            for (String n : names) {
                float[] want = arrays.get(n).toFloatArray();
                float[] got = ckpt.load(n, m).toFloatArray();
                for (int i = 0; i < want.length; i++) {
                    assertThat(got[i]).isEqualTo(quantize(want[i], DType.BF16));
                }
            }
        }
    }

    @Test
    void indexNamingAMissingShardIsRefused() throws IOException {
        Files.writeString(
                tmp.resolve("model.safetensors.index.json"),
                "{\"weight_map\": {\"a\": \"model-00001-of-00002.safetensors\"}}");
        assertThatThrownBy(() -> SafetensorsCheckpoint.open(tmp))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("model-00001-of-00002.safetensors")
                .hasMessageContaining("missing");
    }

    @Test
    void missingFileIsNamed() {
        Path f = tmp.resolve("nope.safetensors");
        assertThatThrownBy(() -> SafetensorsFile.open(f))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("not found")
                .hasMessageContaining(f.toString());
        assertThatThrownBy(() -> SafetensorsCheckpoint.open(tmp))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("model.safetensors");
    }

    @Test
    void headerLengthPastTheEndIsRefused() throws IOException {
        Path f = tmp.resolve("bad.safetensors");
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(1_000_000).put("{\"a\":".getBytes(StandardCharsets.UTF_8));
        Files.write(f, b.array());
        assertThatThrownBy(() -> SafetensorsFile.open(f))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("header length 1000000")
                .hasMessageContaining("past the end")
                .hasMessageContaining(f.toString());
    }

    @Test
    void truncatedDataIsRefusedNamingTheTensor() throws IOException {
        Path f = tmp.resolve("full.safetensors");
        SafetensorsWriter.writeAll(f, sample(), DType.F32, null);
        byte[] all = Files.readAllBytes(f);
        Path cut = tmp.resolve("cut.safetensors");
        Files.write(cut, java.util.Arrays.copyOf(all, all.length - 10));
        assertThatThrownBy(() -> SafetensorsFile.open(cut))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("'cube'")
                .hasMessageContaining("truncated");
    }

    @Test
    void shapeAndByteCountDisagreeingIsRefused() throws IOException {
        Path f = write("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}}", 24);
        assertThatThrownBy(() -> SafetensorsFile.open(f))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("'w'")
                .hasMessageContaining("needs 24 bytes")
                .hasMessageContaining("span 20 bytes");
    }

    @Test
    void shapesWhoseByteCountWrapsAndOverlappingTensorsAreRefused() throws IOException {
        // 2^62 floats are 2^64 bytes, which wraps to 0 in 64-bit arithmetic and would match offsets [0, 0]
        Path wraps = write("{\"w\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904],\"data_offsets\":[0,0]}}", 0);
        assertThatThrownBy(() -> SafetensorsFile.open(wraps))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("'w'")
                .hasMessageContaining("does not fit in 64 bits");
        Path overlap = write(
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
                12);
        assertThatThrownBy(() -> SafetensorsFile.open(overlap))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("'a' and 'b' share bytes");
    }

    @Test
    void unsupportedDtypeIsRefused() throws IOException {
        Path f = write("{\"ids\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]}}", 16);
        assertThatThrownBy(() -> SafetensorsFile.open(f))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("'ids'")
                .hasMessageContaining("dtype I64")
                .hasMessageContaining("F32, F16, BF16");
    }

    @Test
    void garbageHeaderIsRefused() throws IOException {
        Path f = write("{not json at all", 0);
        assertThatThrownBy(() -> SafetensorsFile.open(f))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void writerRefusesWrongOrderAndLeavesNoPartialFile() throws IOException {
        Path f = tmp.resolve("w.safetensors");
        NDArray a = m.ones(new Shape(2));
        SafetensorsWriter w = SafetensorsWriter.create(
                f, List.of(TensorInfo.of("a", DType.F32, 2), TensorInfo.of("b", DType.F32, 2)), null);
        assertThatThrownBy(() -> w.write("b", a)).hasMessageContaining("expected 'a'");
        w.close();
        assertThat(Files.list(tmp)).isEmpty();
    }

    private Path write(String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Path f = tmp.resolve("x.safetensors");
        Files.write(f, b.array());
        return f;
    }
}
