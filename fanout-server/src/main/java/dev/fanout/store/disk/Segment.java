package dev.fanout.store.disk;

import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One file of the log: a segment that records are appended to, or the base a rewrite made. Reads are positional,
 * so readers on any thread share the channel with the writer.
 *
 * <p>Reference-counted: the log holds one reference while the file is part of it, and a reader one while it reads,
 * so a file a rewrite replaced is closed and deleted only once the last reader is done with it.
 */
final class Segment extends AbstractReferenceCounted {

    private final long number;
    private final Path path;
    private final boolean base;
    private final FileChannel channel;
    /** Where the next record goes: the bytes written so far. Written by the writer thread only. */
    private volatile long size;
    private volatile boolean deleteWhenDone;

    private Segment(long number, Path path, boolean base, FileChannel channel, long size) {
        this.number = number;
        this.path = path;
        this.base = base;
        this.channel = channel;
        this.size = size;
    }

    /** Opens (creating if need be) the file at {@code path} for reading and appending. */
    static Segment open(Path path, long number, boolean base) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        return new Segment(number, path, base, channel, channel.size());
    }

    /** The segment's number: segments follow each other in this order; a base precedes the segment of its number. */
    long number() {
        return number;
    }

    /** Whether this is the base a rewrite made, rather than a segment records are appended to. */
    boolean isBase() {
        return base;
    }

    Path path() {
        return path;
    }

    /** Bytes written. */
    long size() {
        return size;
    }

    /** Writes all of {@code source} at the end; the caller is the one writer. */
    void append(ByteBuffer source) throws IOException {
        long position = size;
        while (source.hasRemaining()) {
            position += channel.write(source, position);
        }
        size = position;
    }

    /** Fills {@code target} from {@code position} on. */
    void read(ByteBuffer target, long position) throws IOException {
        long at = position;
        while (target.hasRemaining()) {
            int n = channel.read(target, at);
            if (n < 0) {
                throw new EOFException(path + " ends at " + at + ", before the record read from " + position);
            }
            at += n;
        }
    }

    /** Reads up to {@code target}'s room from {@code position}; returns the bytes read, -1 at the end. */
    int readSome(ByteBuffer target, long position) throws IOException {
        return channel.read(target, position);
    }

    /** Puts what was written on the disk. */
    void force() throws IOException {
        channel.force(false);
    }

    /** Cuts the file at {@code newSize}: what is after it goes, and the next record is written there. */
    void truncate(long newSize) throws IOException {
        channel.truncate(newSize);
        size = newSize;
    }

    /** Leaves the log: the file is closed and deleted once no reader holds it. */
    void retire() {
        deleteWhenDone = true;
        release();
    }

    @Override
    protected void deallocate() {
        try {
            channel.close();
            if (deleteWhenDone) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not close " + path, e);
        }
    }

    @Override
    public ReferenceCounted touch(Object hint) {
        return this;
    }

    @Override
    public String toString() {
        return path.getFileName().toString();
    }
}
