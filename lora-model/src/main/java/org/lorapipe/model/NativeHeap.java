package org.lorapipe.model;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * Hands the C heap's free memory back to the OS at a phase boundary: glibc's {@code malloc_trim(0)}
 * (through JNA, which DJL already brings). The native memory policy keeps freed tensor buffers in the
 * heap so that each training step reuses them instead of page-faulting fresh ones in (see
 * {@link NativeMemoryPolicy}); the price is that memory freed by a finished phase (a model load's fp32
 * staging, a finished job) would stay resident. Trimming once there keeps the speed and gives that
 * memory back. Elsewhere than on glibc this does nothing.
 */
public final class NativeHeap {

    private interface LibC extends Library {
        int malloc_trim(long pad);
    }

    private static final LibC LIBC = load();

    private NativeHeap() {}

    private static LibC load() {
        try {
            return Native.load("c", LibC.class);
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return null; // not glibc: nothing to trim through this call
        }
    }

    /** Returns free heap memory to the OS; true when some was released. */
    public static boolean trim() {
        if (LIBC == null) {
            return false;
        }
        try {
            return LIBC.malloc_trim(0) != 0;
        } catch (UnsatisfiedLinkError e) {
            return false; // a libc without malloc_trim (musl)
        }
    }
}
