package org.lorapipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.lorapipe.devstack.InfraJars;

/**
 * The cuda images as far as they can be checked without a Docker daemon or network: each
 * Dockerfile.cuda fetches the PyTorch version DJL's engine on our classpath pins, in the one CUDA
 * flavor DJL's JNI jar on our classpath carries a library for, on an NVIDIA image of that CUDA
 * version, and runs like Dockerfile.jvm (user 185, port 8080, offline DJL). The GPU overlay and the
 * README name the same flavor and images.
 */
class CudaDockerfilesTest {
    static final List<String> SERVICES = List.of("trainer-service", "eval-service", "merge-service");
    private static final Pattern ARG = Pattern.compile("(?m)^ARG (\\w+)(?:=(\\S+))?$");
    private static final Pattern CUDA_IMAGE =
            Pattern.compile("nvidia/cuda:(\\d+)\\.(\\d+)\\.\\d+-(base|runtime)-ubuntu\\d+\\.\\d+");

    private final Path root = InfraJars.locate().root();

    static List<Path> dockerfiles(Path root) {
        return SERVICES.stream()
                .map(s -> root.resolve(s + "/src/main/docker/Dockerfile.cuda"))
                .toList();
    }

    /** pytorch_version from DJL's pytorch-engine jar: the libtorch release this DJL build is made for. */
    static String djlPyTorchVersion() throws IOException {
        try (InputStream in =
                CudaDockerfilesTest.class.getClassLoader().getResourceAsStream("pytorch-engine.properties")) {
            assertThat(in).as("pytorch-engine.properties on the test classpath").isNotNull();
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("pytorch_version");
        }
    }

    /** The CUDA flavors DJL's pytorch-jni jar has a linux-x86_64 JNI library for, e.g. [cu128]. */
    static Set<String> djlCudaFlavors() throws IOException {
        URL url = CudaDockerfilesTest.class.getClassLoader().getResource("jnilib/pytorch.properties");
        assertThat(url).as("DJL's pytorch-jni jar on the test classpath").isNotNull();
        Set<String> flavors = new TreeSet<>();
        Pattern entry = Pattern.compile("jnilib/linux-x86_64/(cu\\d+)/libdjl_torch\\.so");
        try (JarFile jar = ((JarURLConnection) url.openConnection()).getJarFile()) {
            jar.stream().forEach(e -> {
                Matcher m = entry.matcher(e.getName());
                if (m.matches()) {
                    flavors.add(m.group(1));
                }
            });
        }
        return flavors;
    }

    private static Map<String, String> args(String dockerfile) {
        Map<String, String> args = new LinkedHashMap<>();
        Matcher m = ARG.matcher(dockerfile);
        while (m.find()) {
            if (m.group(2) != null) {
                args.put(m.group(1), m.group(2));
            }
        }
        return args;
    }

    @Test
    void eachCudaImageFetchesTheLibtorchDjlPinsOnAMatchingCudaImage() throws Exception {
        String pytorch = djlPyTorchVersion();
        Set<String> flavors = djlCudaFlavors();
        assertThat(flavors).as("DJL builds one CUDA flavor per PyTorch release").hasSize(1);
        String flavor = flavors.iterator().next();
        for (Path file : dockerfiles(root)) {
            String name = root.relativize(file).toString();
            String dockerfile = Files.readString(file);
            Map<String, String> args = args(dockerfile);
            assertThat(args.get("DJL_PYTORCH_VERSION")).as(name).isEqualTo(pytorch);
            assertThat(args.get("DJL_PYTORCH_FLAVOR")).as(name).isEqualTo(flavor);
            Matcher image = CUDA_IMAGE.matcher(args.getOrDefault("CUDA_IMAGE", ""));
            assertThat(image.matches())
                    .as("%s CUDA_IMAGE %s", name, args.get("CUDA_IMAGE"))
                    .isTrue();
            assertThat("cu" + image.group(1) + image.group(2))
                    .as("%s base image CUDA version", name)
                    .isEqualTo(flavor);
            // the natives: DJL's jar of that flavor and version, checked against the repository's sha1
            assertThat(dockerfile)
                    .contains("artifact=\"pytorch-native-${DJL_PYTORCH_FLAVOR}\"")
                    .contains("${DJL_PYTORCH_VERSION}-linux-x86_64.jar")
                    .contains("/ai/djl/pytorch/${artifact}/${DJL_PYTORCH_VERSION}/")
                    .contains("sha1sum -c");
            // the last stage runs on the CUDA image and loads that libtorch, offline
            List<String> froms = Stream.of(dockerfile.split("\n"))
                    .filter(l -> l.startsWith("FROM "))
                    .toList();
            assertThat(froms.get(froms.size() - 1)).as(name).isEqualTo("FROM ${CUDA_IMAGE}");
            assertThat(dockerfile)
                    .containsPattern("(?m)^\\s+PYTORCH_LIBRARY_PATH=/opt/libtorch \\\\$")
                    .containsPattern("(?m)^\\s+PYTORCH_FLAVOR=\\$\\{DJL_PYTORCH_FLAVOR} \\\\$")
                    .containsPattern("(?m)^\\s+DJL_OFFLINE=true \\\\$")
                    .doesNotContainPattern("(?m)^\\s+PYTORCH_VERSION=");
            // and like the CPU image: same user, port, cache, entry point and application layout
            String jvm = Files.readString(file.resolveSibling("Dockerfile.jvm"));
            for (String line : jvm.split("\n")) {
                if (line.startsWith("USER ")
                        || line.startsWith("EXPOSE ")
                        || line.startsWith("ENTRYPOINT ")
                        || line.startsWith("COPY ")
                        || line.startsWith("RUN mkdir")) {
                    assertThat(dockerfile)
                            .as("%s carries Dockerfile.jvm's %s", name, line)
                            .contains(line);
                }
            }
            assertThat(dockerfile)
                    .contains("docker build -f " + name + " -t lora/" + file.getName(file.getNameCount() - 5)
                            + ":0.1.0-cuda");
        }
    }

    @Test
    void theGpuOverlayAndTheReadmeNameTheCudaImagesAndTheirFlavor() throws Exception {
        String flavor = djlCudaFlavors().iterator().next();
        String kustomization = Files.readString(root.resolve("k8s/overlays/gpu/kustomization.yaml"));
        for (String service : List.of("trainer-service", "eval-service")) {
            assertThat(kustomization).containsPattern("name: lora/" + service + "\\n\\s+newTag: \"0\\.1\\.0-cuda\"");
        }
        Pattern anyFlavor = Pattern.compile("\\bcu1\\d\\d\\b");
        for (String doc : List.of("README.md", "k8s/overlays/gpu/kustomization.yaml")) {
            Matcher m = anyFlavor.matcher(Files.readString(root.resolve(doc)));
            while (m.find()) {
                assertThat(m.group()).as("CUDA flavor named in %s", doc).isEqualTo(flavor);
            }
        }
        String readme = Files.readString(root.resolve("README.md"));
        for (Path file : dockerfiles(root)) {
            assertThat(readme).contains("-f " + root.relativize(file));
        }
    }
}
