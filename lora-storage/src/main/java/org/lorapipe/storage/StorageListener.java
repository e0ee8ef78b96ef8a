package org.lorapipe.storage;

/**
 * Told what an {@link ObjectStore} moves and retries, for metrics: the service binds it to its meter
 * registry (lora-service-common's {@code StorageMetrics}), so this module needs no metrics library.
 * Called on the thread doing the transfer; implementations must be cheap and thread-safe.
 */
public interface StorageListener {

    /** Listens to nothing: the default of a store made without a listener. */
    StorageListener NONE = new StorageListener() {
        @Override
        public void written(long bytes) {}

        @Override
        public void read(long bytes) {}

        @Override
        public void retried(String action) {}
    };

    /** An upload of {@code bytes} bytes succeeded. */
    void written(long bytes);

    /** {@code bytes} more bytes of an object were read (called as a download streams). */
    void read(long bytes);

    /** A call ({@code action}: "read", "write", "list", ...) failed transiently and is tried again. */
    void retried(String action);
}
