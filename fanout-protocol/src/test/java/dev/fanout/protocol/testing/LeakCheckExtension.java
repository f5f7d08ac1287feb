package dev.fanout.protocol.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test when Netty's leak detector reports a buffer that was never released. Registered for every
 * test through JUnit's extension auto-detection; the build runs tests with paranoid leak detection, so every
 * buffer is tracked. A leak is only seen after the garbage collector finds the lost buffer, so the check
 * runs a collection after each test; a leak that surfaces late fails the test that observes it.
 */
public final class LeakCheckExtension implements AfterEachCallback {

    private static final ConcurrentLinkedQueue<String> LEAKS = new ConcurrentLinkedQueue<>();

    static {
        // Must run before the first ByteBuf class is initialised; JUnit loads extensions before any test.
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        for (int i = 0; i < 3; i++) {
            System.gc();
            // Each tracked allocation polls the detector's queue of collected-but-unreleased buffers.
            for (int j = 0; j < 4; j++) {
                ByteBuf probe = ByteBufAllocator.DEFAULT.directBuffer(1);
                probe.release();
            }
        }
        List<String> found = new ArrayList<>();
        for (String leak; (leak = LEAKS.poll()) != null; ) {
            found.add(leak);
        }
        if (!found.isEmpty()) {
            throw new AssertionError("Netty reported " + found.size() + " leaked buffer(s):\n"
                    + String.join("\n----\n", found));
        }
    }

    /** Builds Netty's own detectors, with a listener that records each report. */
    private static final class RecordingFactory extends ResourceLeakDetectorFactory {
        @Override
        @SuppressWarnings("deprecation") // the non-deprecated overload is the one Netty calls; both must exist
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                                                                   long maxActive) {
            return newResourceLeakDetector(resource, samplingInterval);
        }

        @Override
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval) {
            ResourceLeakDetector<T> detector = new ResourceLeakDetector<>(resource, samplingInterval);
            detector.setLeakListener((type, records) -> LEAKS.add(type + "\n" + records));
            return detector;
        }
    }
}
