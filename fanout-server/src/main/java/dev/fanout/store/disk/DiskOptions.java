package dev.fanout.store.disk;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How history on disk is kept.
 *
 * @param directory     the data directory ({@code --data-dir})
 * @param fsync         when written records are forced to the disk ({@code --fsync})
 * @param fsyncInterval with {@link FsyncPolicy#INTERVAL}, how often ({@code --fsync-interval})
 * @param segmentBytes  the size at which the log moves on to a new segment file ({@code --data-segment-size})
 */
public record DiskOptions(Path directory, FsyncPolicy fsync, Duration fsyncInterval, long segmentBytes) {

    /** Default {@code --fsync-interval}: 1 s, as Redis's {@code appendfsync everysec}. */
    public static final Duration DEFAULT_FSYNC_INTERVAL = Duration.ofSeconds(1);
    /** Default segment size: 64 MiB. */
    public static final long DEFAULT_SEGMENT_BYTES = 64L * 1024 * 1024;
    /** Smallest segment size: 64 KiB, so that tests can make many. */
    public static final long MIN_SEGMENT_BYTES = 64L * 1024;
    /** Largest segment size: 1 GiB, so that a position in a segment fits an int. */
    public static final long MAX_SEGMENT_BYTES = 1024L * 1024 * 1024;

    public DiskOptions {
        if (fsyncInterval.isNegative() || fsyncInterval.isZero()) {
            throw new IllegalArgumentException("--fsync-interval must be more than 0, e.g. 1s or 200ms");
        }
        if (segmentBytes < MIN_SEGMENT_BYTES || segmentBytes > MAX_SEGMENT_BYTES) {
            throw new IllegalArgumentException("--data-segment-size must be between 64KiB and 1GiB, not "
                    + segmentBytes + " bytes");
        }
    }

    /** The defaults, in {@code directory}. */
    public static DiskOptions in(Path directory) {
        return new DiskOptions(directory, FsyncPolicy.INTERVAL, DEFAULT_FSYNC_INTERVAL, DEFAULT_SEGMENT_BYTES);
    }
}
