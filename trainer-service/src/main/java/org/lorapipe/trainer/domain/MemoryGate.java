package org.lorapipe.trainer.domain;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.lorapipe.contract.ErrorCodes;
import org.lorapipe.contract.event.DatasetManifest;
import org.lorapipe.contract.event.MemoryUsage;
import org.lorapipe.contract.event.RunMemory;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.request.TrainingRequest;
import org.lorapipe.model.LlamaConfig;
import org.lorapipe.model.ModelFormatException;
import org.lorapipe.trainer.config.TrainerConfig;
import org.lorapipe.tuning.memory.ByteSize;
import org.lorapipe.tuning.memory.MemoryEstimate;
import org.lorapipe.tuning.memory.MemoryEstimator;
import org.lorapipe.tuning.memory.MemoryFit;
import org.lorapipe.tuning.memory.MemoryLimit;
import org.lorapipe.tuning.memory.RunShape;

/**
 * A job's memory at intake and at its end. At intake the run is estimated from its base model's
 * config.json, its request and its dataset's manifest, starting from the process's resident memory at
 * job start; a run estimated above what this trainer may use ({@code lora.trainer.memory-budget}, by
 * default the container's memory limit, else physical memory) is refused before its model is
 * downloaded, with every setting that would make it fit, each estimated. At the end the estimate is set
 * beside what the run measured.
 */
public final class MemoryGate {

    private final TrainerConfig config;

    public MemoryGate(TrainerConfig config) {
        this.config = config;
    }

    /** The most a run may take here, and where that figure comes from. */
    public MemoryLimit budget() {
        return config.memoryBudget()
                .map(m -> new MemoryLimit(m.asLongValue(), "lora.trainer.memory-budget"))
                .orElseGet(MemoryLimit::detect);
    }

    /**
     * The estimate of the job's run.
     *
     * @param configJson the base model's config.json
     * @param baselineRss what the process holds at job start: its resident memory less the Java heap that is
     *     resident but already given up ({@link org.lorapipe.tuning.train.ShrinkingHeap})
     * @param hostMemory whether the run trains in this process's memory (the CPU): on a GPU the check is
     *     skipped, the estimate being of host memory
     * @throws TrainingFailure {@code INVALID_INPUT} for a config.json the model loader would refuse,
     *     {@code INVALID_REQUEST} for LoRA settings the model does not have, or a run over the budget
     */
    public MemoryEstimate admit(
            TrainingRequest request,
            String configJson,
            DatasetManifest manifest,
            long baselineRss,
            boolean hostMemory) {
        RunShape shape = RunShape.of(modelConfig(request, configJson), request, manifest);
        MemoryEstimator estimator = new MemoryEstimator().withBaseline(baselineRss);
        MemoryEstimate estimate;
        try {
            estimate = estimator.estimate(shape);
        } catch (IllegalArgumentException e) {
            throw new TrainingFailure(ErrorCodes.INVALID_REQUEST, e.getMessage(), false);
        }
        if (config.memoryCheck() && hostMemory) {
            MemoryLimit budget = budget();
            if (estimate.total() > budget.bytes()) {
                throw refusal(estimate, budget, new MemoryFit(estimator).suggestions(shape, budget.bytes()));
            }
        }
        return estimate;
    }

    private static LlamaConfig modelConfig(TrainingRequest request, String configJson) {
        try {
            JsonNode root = Json.mapper().readTree(configJson);
            if (root == null || !root.isObject()) {
                throw new ModelFormatException("config.json is not a JSON object");
            }
            return LlamaConfig.fromJson(root, request.baseModel() + "/config.json");
        } catch (ModelFormatException | java.io.IOException e) {
            throw new TrainingFailure(
                    ErrorCodes.INVALID_INPUT,
                    "the base model " + request.baseModel() + " cannot be loaded: " + e.getMessage(),
                    false);
        }
    }

    /** The failure of a run over budget: what it needs, what it may take, and what would fit. */
    static TrainingFailure refusal(MemoryEstimate estimate, MemoryLimit budget, List<MemoryFit.Suggestion> fits) {
        String need = "the run needs about " + ByteSize.of(estimate.total()) + " at its peak, more than the "
                + ByteSize.of(budget.bytes()) + " this trainer may use (" + budget.source() + ")";
        String largest = estimate.parts().stream()
                .filter(p -> p.counted() && !p.key().equals("baseline"))
                .sorted(Comparator.comparingLong(MemoryEstimate.Part::bytes).reversed())
                .limit(3)
                .map(p -> p.label() + " " + ByteSize.of(p.bytes()))
                .reduce((a, b) -> a + ", " + b)
                .orElse("");
        List<String> problems = new ArrayList<>();
        problems.add(need);
        fits.forEach(f -> problems.add("fits with " + f.describe()));
        String remedy = fits.isEmpty()
                ? " Nothing tried fits (a smaller micro-batch, gradient checkpointing, nf4, shorter sequences, a"
                        + " lower lora.r, sgd, checkpointing with nf4): use a smaller base model, or give the"
                        + " trainer more memory and raise lora.trainer.memory-budget."
                : " Any of these fits: "
                        + String.join(
                                "; ",
                                fits.stream()
                                        .map(MemoryFit.Suggestion::describe)
                                        .toList())
                        + ". Or give the trainer more memory and raise lora.trainer.memory-budget.";
        String message = need + "; the largest parts: " + largest + " (estimated at intake from the model's"
                + " config.json; `lora estimate REQUEST.json` prints every part)." + remedy
                + " lora.trainer.memory-check=false turns the check off.";
        return new TrainingFailure(ErrorCodes.INVALID_REQUEST, message, false, problems);
    }

    /**
     * The run's memory: its peak and baseline as measured, the parts the trainer holds as they are, and
     * the estimate made at intake.
     */
    public static RunMemory measured(MemoryEstimate estimate, long baselineRss, long peakRss, MemoryUsage held) {
        return new RunMemory(
                peakRss,
                baselineRss,
                held.weightBytes(),
                held.trainableBytes(),
                held.trainableBytes(), // a gradient per trainable value, kept between steps
                held.optimizerBytes(),
                estimate.total(),
                estimate.asMap());
    }
}
