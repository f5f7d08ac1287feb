package dev.fanout.bench.jmh;

import dev.fanout.protocol.line.LineDecoder;
import dev.fanout.protocol.line.Lines;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The lines protocol's codec. {@code decode}: {@link LineDecoder}, with the server's default limits, splits
 * one read holding {@value #LINES} CR LF-ended lines into strings (checked as UTF-8 and for control
 * characters), which the last handler counts. {@code encode}: {@link Lines#encode} turns each string into a
 * line in a buffer of its own (how a message caches its chat line).
 *
 * <p>Score: lines per microsecond, i.e. millions of lines per second (each invocation handles {@value #LINES}
 * lines, declared with {@code @OperationsPerInvocation}); {@code size} is the text's length in bytes (ASCII),
 * each line adding 2 bytes of line end.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class LineCodecBenchmark {

    /** Lines per invocation, as many as {@link FrameCodecBenchmark} has frames. */
    static final int LINES = FrameCodecBenchmark.FRAMES;

    @Param({"16", "256"})
    int size;

    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private final List<String> texts = new ArrayList<>();
    DecodeRig decoding;

    /** Makes {@value #LINES} different texts, and the read holding their lines. */
    @Setup
    public void setUp() {
        List<ByteBuf> lines = new ArrayList<>();
        for (int i = 0; i < LINES; i++) {
            String text = new String(Inputs.text(size, i), StandardCharsets.US_ASCII);
            texts.add(text);
            lines.add(Lines.encode(alloc, text));
        }
        LineDecoder decoder = new LineDecoder(Lines.DEFAULT_MAX_LINE, Lines.DEFAULT_LINE_FLUSH);
        decoding = new DecodeRig(decoder, Inputs.joined(alloc, lines));
    }

    /** Decodes the read; returns the number of good lines that came out. */
    @Benchmark
    @OperationsPerInvocation(LINES)
    public int decode() {
        return decoding.decode();
    }

    /** Encodes each text as a line in a new buffer, then releases it; returns the bytes encoded. */
    @Benchmark
    @OperationsPerInvocation(LINES)
    public long encode() {
        return Inputs.encodeEach(texts, text -> Lines.encode(alloc, text));
    }

    /** Releases every buffer. */
    @TearDown
    public void tearDown() {
        decoding.close();
    }
}
