package org.lorapipe.contract.artifact;

import java.util.List;

/**
 * {@value #FILE} beside a published adapter ({@code runs/{id}/adapter/}): where its inputs lie in our
 * store and the sha256 of each. PEFT's {@code adapter_config.json} names the base model the way
 * Hugging Face tools look it up ({@code base_model_name_or_path}, {@link ModelIdentity#nameOrPath()}),
 * so the {@code s3://} location lives here.
 *
 * @param baseModel the request's {@code baseModel}, the {@code s3://} folder trained on
 * @param baseModelNameOrPath what {@code adapter_config.json} records: the Hugging Face id or the name
 * @param datasetUri the prepared dataset trained on ({@code s3://.../datasets/{id}/})
 * @param lineage every input with its sha256: the base model's files, the dataset's files, its tokenizer
 * @param license the base model's license from its {@link ModelIdentity}, or null when unknown
 */
public record AdapterOrigin(
        String baseModel, String baseModelNameOrPath, String datasetUri, List<LineageEntry> lineage, String license) {
    public static final String FILE = "lora-adapter.json";

    public AdapterOrigin {
        lineage = lineage == null ? List.of() : List.copyOf(lineage);
    }
}
