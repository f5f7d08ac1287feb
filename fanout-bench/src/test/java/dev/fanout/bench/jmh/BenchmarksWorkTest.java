package dev.fanout.bench.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fanout.bench.jmh.FanoutStepBenchmark.Deliveries;
import dev.fanout.hub.Encoding;
import dev.fanout.protocol.frame.Frames;
import io.netty.buffer.ByteBufUtil;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;

/**
 * Each benchmark does the work its score claims, called as JMH calls it (set-up, the benchmark method, tear
 * down) but once, and without leaking a buffer; and JMH's annotation processor has listed every benchmark.
 * Each method runs twice, so state that one call leaves for the next (a consumed read, counts) shows.
 */
class BenchmarksWorkTest {

    /** jmh-core 1.37 makes a Blackhole only for this sentence, so user code does not make one by mistake. */
    private static final String BLACKHOLE_CHALLENGE =
            "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.";
    private static final int CALLS = 2;

    @Test
    void benchmarkList_namesEveryBenchmarkMethod() throws IOException {
        List<BenchmarkListEntry> entries;
        try (InputStream in = BenchmarkList.class.getResourceAsStream(BenchmarkList.BENCHMARK_LIST)) {
            assertThat(in).as("META-INF/BenchmarkList on the test class path").isNotNull();
            entries = BenchmarkList.readBenchmarkList(in);
        }
        assertThat(entries).extracting(BenchmarkListEntry::getUsername).containsExactlyInAnyOrder(
                FrameCodecBenchmark.class.getName() + ".decode",
                FrameCodecBenchmark.class.getName() + ".encode",
                FrameCodecBenchmark.class.getName() + ".write",
                LineCodecBenchmark.class.getName() + ".decode",
                LineCodecBenchmark.class.getName() + ".encode",
                FanoutStepBenchmark.class.getName() + ".publishAndDrain");
    }

    @ParameterizedTest
    @ValueSource(ints = {16, 256})
    void frameCodec_decodesEncodesAndWritesEveryFrame(int size) {
        FrameCodecBenchmark bench = new FrameCodecBenchmark();
        bench.size = size;
        bench.setUp();
        try {
            int frames = FrameCodecBenchmark.FRAMES;
            long frameBytes = (long) frames * (Frames.LENGTH_BYTES + size);
            for (int call = 0; call < CALLS; call++) {
                assertThat(bench.decode()).isEqualTo(frames);
                assertThat(bench.decoding.sink().length()).isEqualTo((long) frames * size);
                assertThat(bench.encode()).isEqualTo(frameBytes);
                assertThat(bench.write()).isEqualTo(frameBytes);
                assertThat(ByteBufUtil.equals(bench.written(), bench.decoding.read()))
                        .as("write() gives the bytes the decoder reads").isTrue();
            }
        } finally {
            bench.tearDown();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {16, 256})
    void lineCodec_decodesAndEncodesEveryLine(int size) {
        LineCodecBenchmark bench = new LineCodecBenchmark();
        bench.size = size;
        bench.setUp();
        try {
            int lines = LineCodecBenchmark.LINES;
            for (int call = 0; call < CALLS; call++) {
                assertThat(bench.decode()).isEqualTo(lines);
                assertThat(bench.decoding.sink().length()).isEqualTo((long) lines * size);
                assertThat(bench.decoding.sink().others()).as("lines rejected").isZero();
                assertThat(bench.encode()).isEqualTo((long) lines * (size + 2));
            }
        } finally {
            bench.tearDown();
        }
    }

    static Stream<Arguments> fanoutParams() {
        List<Arguments> params = new ArrayList<>();
        for (int subscribers : new int[] {1, 10, 1000}) {
            for (int size : new int[] {16, 256}) {
                for (Encoding encoding : new Encoding[] {Encoding.FRAME, Encoding.LINE}) {
                    params.add(Arguments.of(subscribers, size, encoding));
                }
            }
        }
        return params.stream();
    }

    @ParameterizedTest
    @MethodSource("fanoutParams")
    void fanoutStep_deliversTheBurstToEverySubscriber(int subscribers, int size, Encoding encoding) {
        FanoutStepBenchmark bench = new FanoutStepBenchmark();
        bench.subscribers = subscribers;
        bench.size = size;
        bench.encoding = encoding;
        bench.setUp();
        Deliveries deliveries = new Deliveries();
        try {
            int burst = FanoutStepBenchmark.BURST;
            int wireBytes = encoding == Encoding.FRAME
                    ? Frames.LENGTH_BYTES + size
                    : FanoutStepBenchmark.PUBLISHER.name().length() + ": ".length() + size + "\r\n".length();
            for (int call = 0; call < CALLS; call++) {
                deliveries.reset();
                bench.publishAndDrain(deliveries, new Blackhole(BLACKHOLE_CHALLENGE));
                assertThat(deliveries.deliveries).isEqualTo((long) burst * subscribers);
                assertThat(deliveries.bytes).isEqualTo((long) burst * subscribers * wireBytes);
                assertThat(deliveries.batchesEnded).as("one batch per drain").isEqualTo(subscribers);
                assertThat(bench.hub.backlog().bytes()).as("publish backlog after the drain").isZero();
            }
            assertThat(bench.hub.stats().handedOver()).isEqualTo((long) CALLS * burst * subscribers);
        } finally {
            bench.tearDown();
        }
    }
}
