package org.lorapipe.service.config;

/**
 * PyTorch reads its intra-op thread count once, when DJL's engine starts: a stage that runs models sets
 * it from its own setting at start-up, before any job, unless {@code -Dai.djl.pytorch.num_threads}
 * was given.
 */
public final class TorchThreads {
    public static final String PROPERTY = "ai.djl.pytorch.num_threads";

    private TorchThreads() {}

    public static void setUnlessGiven(int threads) {
        if (System.getProperty(PROPERTY) == null) {
            System.setProperty(PROPERTY, String.valueOf(threads));
        }
    }
}
