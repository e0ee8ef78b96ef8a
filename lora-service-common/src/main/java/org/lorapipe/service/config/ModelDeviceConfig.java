package org.lorapipe.service.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Where a stage that runs models (trainer, evaluator, merger) runs them ({@code lora.model.*}). Each of
 * those services resolves the device once at start-up (org.lorapipe.model.DjlRuntime#useDevice), after
 * PyTorch's thread count is set, and stops there if the value is unknown or names a GPU that is not
 * there.
 */
@ConfigMapping(prefix = "lora.model")
public interface ModelDeviceConfig {
    /**
     * {@code auto} (a GPU when the PyTorch engine sees one, which needs the cuda image; else the CPU),
     * {@code cpu}, or one GPU: {@code cuda}, {@code cuda:N}, {@code gpu:N}.
     */
    @WithDefault("auto")
    String device();
}
