package org.decoder4j.tensor.cpu;

import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives native memory that has been freed but is still held by the C allocator back to the
 * operating system, through the JVM's {@code System.trim_native_heap} command (glibc's
 * {@code malloc_trim}; JDK 17.0.9 and later on Linux).
 *
 * <p>glibc keeps freed blocks for reuse, and blocks freed in the middle of its heap stay resident
 * until trimmed. Trimming costs a walk over the heap, so it is done only where a large amount has
 * just been freed and will not be allocated again the same way: after a workspace's first cycle,
 * whose arrays were each allocated on their own while it learned its size.
 */
public final class NativeHeap {

    private static final Logger LOG = LoggerFactory.getLogger(NativeHeap.class);
    private static volatile boolean unavailable;

    private NativeHeap() {
    }

    /** Trims the native heap; returns false where this JVM cannot. */
    public static boolean trim() {
        if (unavailable) {
            return false;
        }
        try {
            Object report = ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "systemTrimNativeHeap",
                    new Object[] {null}, new String[] {String[].class.getName()});
            LOG.debug("{}", report);
            return true;
        } catch (JMException | RuntimeException | LinkageError e) {
            unavailable = true;
            LOG.debug("this JVM cannot trim the native heap ({}); freed native memory stays with the allocator",
                    e.toString());
            return false;
        }
    }
}
