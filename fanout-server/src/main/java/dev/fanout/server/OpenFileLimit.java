package dev.fanout.server;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.OptionalLong;

/** The process's open-file limit, where the platform tells it: every connection costs one file descriptor. */
final class OpenFileLimit {

    /** Descriptors the JVM and the listeners need besides client connections. */
    static final int RESERVED = 100;

    private OpenFileLimit() {
    }

    static OptionalLong current() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof UnixOperatingSystemMXBean unix) {
            return OptionalLong.of(unix.getMaxFileDescriptorCount());
        }
        return OptionalLong.empty();
    }
}
