package org.lorapipe.contract.artifact;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * {@value #FILE} in an imported model's folder ({@code models/{name}/}): who the model is, apart from
 * where it lies. Written by {@code lora import} as part of the model's publication.
 *
 * <p>The name others know the model by is {@link #nameOrPath()}: its Hugging Face id when the import
 * was given one ({@code --hf-id ORG/NAME}), else its name in our store. That is what a PEFT adapter
 * records as {@code base_model_name_or_path} and a model card as {@code base_model}, so files we
 * publish load with Hugging Face tools; the {@code s3://} location stays in our own metadata.
 *
 * @param name the folder name under {@code models/}
 * @param hfId the Hugging Face repository id ({@code ORG/NAME}) the weights came from, or null when
 *     unknown (a llama2.c checkpoint, or a directory imported without {@code --hf-id})
 * @param source {@code llama2c} or {@code huggingface}, and the names of the files imported (no paths)
 * @param importedAt ISO-8601 instant of the import
 * @param files every file of the model but this one (path, size, sha256), sorted by path
 * @param license the model's license as a Hugging Face license identifier ({@code --license}, e.g.
 *     {@code apache-2.0}, {@code llama3.1}), or null when not given; model cards carry it
 */
public record ModelIdentity(
        String name, String hfId, Source source, String importedAt, List<Manifest.Entry> files, String license) {
    public static final String FILE = "lora-model.json";

    /** A license identifier as the Hugging Face Hub spells them: lower case, digits, '.', '-', '+'. */
    private static final Pattern LICENSE = Pattern.compile("[a-z0-9][a-z0-9.+-]{0,63}");

    /** Why {@code license} is not a license identifier, or null when it is one. */
    public static String licenseProblem(String license) {
        return LICENSE.matcher(license).matches()
                ? null
                : "must be a license identifier as the Hugging Face Hub uses them (lower case letters, digits,"
                        + " '.', '-', '+'; at most 64 characters), e.g. apache-2.0, mit, llama3.1 or other";
    }

    /**
     * Hugging Face's rule for a repository id: an optional namespace and a name, each of letters,
     * digits, {@code -}, {@code _} and {@code .}, at most 96 characters (huggingface_hub's
     * {@code validate_repo_id}).
     */
    private static final Pattern HF_ID = Pattern.compile("([A-Za-z0-9_.-]{1,96}/)?[A-Za-z0-9_.-]{1,96}");

    /**
     * @param format {@code llama2c} or {@code huggingface}
     * @param files the file (or directory) names given to the import, without their paths
     */
    public record Source(String format, List<String> files) {
        public Source {
            files = files == null ? List.of() : List.copyOf(files);
        }
    }

    public ModelIdentity {
        Objects.requireNonNull(name, "name");
        files = files == null ? List.of() : List.copyOf(files);
    }

    /** The Hugging Face id when known, else the name: PEFT's {@code base_model_name_or_path}. */
    public String nameOrPath() {
        return hfId != null ? hfId : name;
    }

    /**
     * Every reason {@code id} is not a Hugging Face repository id, empty when it is one. Besides the
     * characters and lengths: no {@code --} or {@code ..}, no name starting or ending with {@code -} or
     * {@code .}, and no {@code .git} at the end.
     */
    public static List<String> hfIdProblems(String id) {
        List<String> problems = new ArrayList<>();
        if (!HF_ID.matcher(id).matches()) {
            problems.add("use ORG/NAME (or NAME): letters, digits, '-', '_' and '.', at most 96 characters on each"
                    + " side of one '/'");
            return problems;
        }
        if (id.contains("--") || id.contains("..")) {
            problems.add("'--' and '..' are not allowed");
        }
        for (String part : id.split("/")) {
            if (part.startsWith("-") || part.startsWith(".") || part.endsWith("-") || part.endsWith(".")) {
                problems.add("'" + part + "' may not start or end with '-' or '.'");
            }
        }
        if (id.endsWith(".git")) {
            problems.add("may not end with '.git'");
        }
        return problems;
    }

    /**
     * What an adapter of the model at {@code baseModelUri} records as {@code base_model_name_or_path}
     * when the model has no {@value #FILE} (imported before it existed, or uploaded by other tools):
     * the model folder's name, the last segment of the URI.
     */
    public static String nameFromUri(String baseModelUri) {
        String s = baseModelUri;
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        int slash = s.lastIndexOf('/');
        return slash >= 0 ? s.substring(slash + 1) : s;
    }
}
