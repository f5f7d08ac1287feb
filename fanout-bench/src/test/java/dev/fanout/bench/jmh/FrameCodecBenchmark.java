package dev.fanout.bench.jmh;

import dev.fanout.protocol.frame.FrameDecoder;
import dev.fanout.protocol.frame.Frames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
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
 * The frames protocol's codec. {@code decode}: {@link FrameDecoder} splits one read holding {@value #FRAMES}
 * frames into payload slices, which the last handler counts and releases. {@code encode}: {@link Frames#encode}
 * makes each frame in a buffer of its own (how a message caches its frame). {@code write}: {@link Frames#write}
 * appends the frames to one buffer (how a batch is encoded for its subscribers).
 *
 * <p>Score: frames per microsecond, i.e. millions of frames per second (each invocation handles
 * {@value #FRAMES} frames, declared with {@code @OperationsPerInvocation}); {@code size} is the payload size in
 * bytes, each frame adding {@value Frames#LENGTH_BYTES} of length prefix.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FrameCodecBenchmark {

    /** Frames per invocation: 256 frames of 256 bytes make a 65 KiB read, about the most Netty reads at once. */
    static final int FRAMES = 256;

    @Param({"16", "256"})
    int size;

    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private final List<ByteBuf> payloads = new ArrayList<>();
    private ByteBuf written;
    DecodeRig decoding;

    /** Makes {@value #FRAMES} different payloads, and the read holding their frames. */
    @Setup
    public void setUp() {
        List<ByteBuf> frames = new ArrayList<>();
        for (int i = 0; i < FRAMES; i++) {
            ByteBuf payload = alloc.directBuffer(size).writeBytes(Inputs.text(size, i));
            payloads.add(payload);
            frames.add(Frames.encode(alloc, payload));
        }
        decoding = new DecodeRig(new FrameDecoder(Frames.DEFAULT_MAX_FRAME), Inputs.joined(alloc, frames));
        written = alloc.directBuffer(decoding.read().readableBytes());
    }

    /** Decodes the read; returns the number of frames that came out. */
    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public int decode() {
        return decoding.decode();
    }

    /** Encodes each payload into a new frame buffer, then releases it; returns the bytes encoded. */
    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public long encode() {
        return Inputs.encodeEach(payloads, payload -> Frames.encode(alloc, payload));
    }

    /** Appends every payload's frame to one reused buffer; returns the bytes written. */
    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public int write() {
        written.clear();
        for (ByteBuf payload : payloads) {
            Frames.write(written, payload);
        }
        return written.readableBytes();
    }

    /** What the last {@link #write()} produced; valid until the next call. */
    ByteBuf written() {
        return written;
    }

    /** Releases every buffer. */
    @TearDown
    public void tearDown() {
        decoding.close();
        written.release();
        payloads.forEach(ByteBuf::release);
        payloads.clear();
    }
}
