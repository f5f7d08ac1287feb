package dev.fanout.store.disk;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data directory: its lock, its manifest (format version, which files make the log) and the record of the
 * last run (did it stop cleanly, on which boot of the machine, with which fsync policy). Opening one checks all
 * of that and says plainly what is wrong: not writable, in use by another server, written by a newer version,
 * or a directory of something else.
 *
 * <p>Files: {@code fanout.lock}, {@code MANIFEST}, {@code RUN}, the segments {@code NNNNNNNNNNNNNNNNNNNN.log}
 * and at most one {@code base-NNNNNNNNNNNNNNNNNNNN.log}, which precedes the segment of its number.
 */
final class DataDirectory implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DataDirectory.class);

    /** The format this version writes and reads. */
    static final int FORMAT = 1;

    static final String LOCK = "fanout.lock";
    static final String MANIFEST = "MANIFEST";
    static final String RUN = "RUN";
    private static final String SEGMENT_SUFFIX = ".log";
    private static final String BASE_PREFIX = "base-";
    private static final String TEMPORARY_SUFFIX = ".tmp";
    private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");

    private final Path directory;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private Manifest manifest;

    private DataDirectory(Path directory, FileChannel lockChannel, FileLock lock, Manifest manifest) {
        this.directory = directory;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.manifest = manifest;
    }

    /**
     * Which files make the log: the base of that number if there is one, then the segments from that number on.
     *
     * @param first   the number of the first segment (and of the base, if any)
     * @param hasBase whether a base precedes it
     */
    record Manifest(long first, boolean hasBase) {
    }

    /**
     * What the last run left in {@code RUN}.
     *
     * @param stopped whether it stopped cleanly: everything it wrote is on the disk, the log ends at the end given
     * @param boot    the boot of the machine it ran in ({@code /proc/sys/kernel/random/boot_id}), "" if unknown
     * @param fsync   its fsync policy
     * @param end     with a clean stop, where the log ended: the last segment's number and size
     * @param renewing whether a start found acknowledged messages may be lost and stopped before it recorded the
     *                 topics' new epochs
     */
    record Run(boolean stopped, String boot, FsyncPolicy fsync, LogPosition end, boolean renewing) {
    }

    /**
     * Opens {@code directory}, making it if need be, and locks it for this process.
     *
     * @throws IllegalStateException if it cannot be used, with what to do about it
     */
    static DataDirectory open(Path directory) {
        Path dir = directory.toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
        } catch (FileAlreadyExistsException e) {
            throw refused(dir, "cannot be made: " + e.getFile() + " is a file, not a directory; choose another "
                    + "--data-dir");
        } catch (AccessDeniedException e) {
            throw refused(dir, "cannot be made: this user may not make " + e.getFile() + "; make it, or its parent "
                    + "writable, or choose another --data-dir");
        } catch (IOException e) {
            throw refused(dir, "cannot be made: " + reason(e) + "; choose another --data-dir");
        }
        if (!Files.isDirectory(dir)) {
            throw refused(dir, "is not a directory");
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (AccessDeniedException e) {
            throw refused(dir, "is not writable by this user; make it writable or choose another --data-dir");
        } catch (IOException e) {
            throw refused(dir, "cannot be written: " + reason(e) + "; choose another --data-dir");
        }
        FileLock lock = null;
        try {
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                String holder = holder(channel);
                throw refused(dir, "is in use by another fanout server" + holder + "; stop it, or give each server "
                        + "its own --data-dir");
            }
            writeHolder(channel);
            Manifest manifest = readManifest(dir);
            DataDirectory opened = new DataDirectory(dir, channel, lock, manifest);
            opened.checkWritable();
            return opened;
        } catch (IOException e) {
            closeQuietly(channel);
            throw refused(dir, "cannot be used: " + reason(e) + " (" + e.getClass().getSimpleName() + " on "
                    + (e instanceof FileSystemException fs && fs.getFile() != null ? fs.getFile() : dir)
                    + "); make it writable by this user (a read-only mount or an immutable flag, see lsattr, stops "
                    + "root too), or choose another --data-dir");
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static IllegalStateException refused(Path dir, String why) {
        return new IllegalStateException("data directory " + dir + " " + why);
    }

    private static String reason(IOException e) {
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason().toLowerCase(Locale.ROOT);
        }
        return String.valueOf(e.getMessage());
    }

    private static String holder(FileChannel channel) {
        try {
            ByteBuffer bytes = ByteBuffer.allocate(64);
            channel.read(bytes, 0);
            String text = new String(bytes.array(), 0, bytes.position(), StandardCharsets.US_ASCII).strip();
            return text.matches("\\d+") ? " (pid " + text + ")" : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static void writeHolder(FileChannel channel) throws IOException {
        channel.truncate(0);
        channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
    }

    /** A file made, written and removed: the lock file opening is not proof that new files can be made. */
    private void checkWritable() throws IOException {
        Path probe = directory.resolve(RUN + TEMPORARY_SUFFIX);
        try {
            Files.write(probe, new byte[0]);
            Files.deleteIfExists(probe);
        } catch (AccessDeniedException e) {
            throw refused(directory, "is not writable by this user; make it writable or choose another --data-dir");
        } catch (FileSystemException e) {
            throw refused(directory, "cannot be written: " + reason(e) + "; make it writable by this user (a "
                    + "read-only mount or an immutable flag, see lsattr, stops root too), or choose another "
                    + "--data-dir");
        }
    }

    private static Manifest readManifest(Path dir) throws IOException {
        Path file = dir.resolve(MANIFEST);
        if (!Files.exists(file)) {
            try (Stream<Path> files = Files.list(dir)) {
                // A fresh file system's lost+found is no reason to refuse its root.
                List<String> others = files.map(p -> p.getFileName().toString())
                        .filter(name -> !name.equals(LOCK) && !name.equals(RUN + TEMPORARY_SUFFIX)
                                && !name.equals("lost+found")).sorted().toList();
                if (others.stream().anyMatch(name -> name.endsWith(SEGMENT_SUFFIX) || name.equals(RUN))) {
                    throw refused(dir, "holds fanout's log files (" + String.join(", ", others.subList(0,
                            Math.min(3, others.size()))) + (others.size() > 3 ? ", ..." : "") + ") but its "
                            + MANIFEST + " is missing, so which files make the log is unknown: restore " + MANIFEST
                            + " from a backup, or move the files away and start with an empty directory");
                }
                if (!others.isEmpty()) {
                    throw refused(dir, "holds other files (" + String.join(", ", others.subList(0,
                            Math.min(3, others.size()))) + (others.size() > 3 ? ", ..." : "") + ") and no "
                            + MANIFEST + ": it is not a fanout data directory; give an empty or new directory");
                }
            }
            Manifest fresh = new Manifest(1, false);
            writeManifest(dir, fresh);
            log.info("data directory {} is new: history starts empty", dir);
            return fresh;
        }
        Properties properties = load(file);
        String format = properties.getProperty("format", "");
        if (!format.matches("\\d{1,9}")) {
            throw refused(dir, "has a " + MANIFEST + " this version cannot read (format '" + format + "'): it was "
                    + "not written by fanout, or was damaged; give another --data-dir");
        }
        if (Integer.parseInt(format) != FORMAT) {
            throw refused(dir, "is in format " + format + ", which this version of fanout (format " + FORMAT
                    + ") cannot read: it was written by a "
                    + (Integer.parseInt(format) > FORMAT ? "newer" : "different")
                    + " version; run that version, or give another --data-dir");
        }
        try {
            return new Manifest(Long.parseLong(properties.getProperty("first", "1")),
                    Boolean.parseBoolean(properties.getProperty("base", "false")));
        } catch (NumberFormatException e) {
            throw refused(dir, "has a damaged " + MANIFEST + " (" + e.getMessage() + "); give another --data-dir");
        }
    }

    private static void writeManifest(Path dir, Manifest manifest) throws IOException {
        writeAtomically(dir, MANIFEST, "# fanout data directory: which files make the history log; do not edit\n"
                + "format=" + FORMAT + "\n"
                + "first=" + manifest.first() + "\n"
                + "base=" + manifest.hasBase() + "\n");
    }

    /** The manifest read at open or last written. */
    Manifest manifest() {
        return manifest;
    }

    /** Makes {@code next} the manifest, atomically and durably: after a crash, either it or the old one holds. */
    void replaceManifest(Manifest next) throws IOException {
        writeManifest(directory, next);
        manifest = next;
    }

    /** What the last run left, or empty if none ran here. */
    Optional<Run> lastRun() throws IOException {
        Path file = directory.resolve(RUN);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties properties = load(file);
        FsyncPolicy fsync;
        try {
            fsync = FsyncPolicy.of(properties.getProperty("fsync", "os"));
        } catch (IllegalArgumentException e) {
            fsync = FsyncPolicy.OS;
        }
        LogPosition end = null;
        try {
            if (properties.containsKey("end-segment")) {
                end = new LogPosition(Long.parseLong(properties.getProperty("end-segment")),
                        Long.parseLong(properties.getProperty("end-offset", "0")));
            }
        } catch (NumberFormatException e) {
            end = null;
        }
        boolean stopped = "stopped".equals(properties.getProperty("state")) && end != null;
        return Optional.of(new Run(stopped, properties.getProperty("boot", ""), fsync, end,
                "renewing".equals(properties.getProperty("state"))));
    }

    /** Records that a run with {@code fsync} started: until {@link #markStopped}, a restart finds it unclean. */
    void markRunning(FsyncPolicy fsync) throws IOException {
        writeAtomically(directory, RUN, "state=running\nboot=" + bootId() + "\nfsync=" + fsync.label() + "\n");
    }

    /**
     * Records that this start found acknowledged messages may be lost and is about to cut the log and give every
     * topic a new epoch: until {@link #markRunning}, a restart does the same again.
     */
    void markRenewing(FsyncPolicy lastFsync) throws IOException {
        writeAtomically(directory, RUN, "state=renewing\nboot=" + bootId() + "\nfsync=" + lastFsync.label() + "\n");
    }

    /** Records a clean stop: everything is on the disk and the log ends at {@code end}. */
    void markStopped(FsyncPolicy fsync, LogPosition end) throws IOException {
        writeAtomically(directory, RUN, "state=stopped\nboot=" + bootId() + "\nfsync=" + fsync.label()
                + "\nend-segment=" + end.segment() + "\nend-offset=" + end.offset() + "\n");
    }

    /** The id of this boot of the machine, "" where the system does not tell. */
    static String bootId() {
        try {
            return Files.readString(BOOT_ID, StandardCharsets.US_ASCII).strip();
        } catch (IOException | UnsupportedOperationException e) {
            return "";
        }
    }

    Path path() {
        return directory;
    }

    Path segmentPath(long number) {
        return directory.resolve(String.format(Locale.ROOT, "%020d%s", number, SEGMENT_SUFFIX));
    }

    Path basePath(long number) {
        return directory.resolve(String.format(Locale.ROOT, "%s%020d%s", BASE_PREFIX, number, SEGMENT_SUFFIX));
    }

    /** Where a rewrite writes its base before it is complete. */
    Path temporaryBasePath(long number) {
        return directory.resolve(basePath(number).getFileName() + TEMPORARY_SUFFIX);
    }

    /**
     * The numbers of the segments from the manifest's first on, in order (a number missing between them is for
     * recovery to find); and every other log file (older segments, other bases, an unfinished rewrite's), which a
     * crash during a rewrite left and which are no longer part of the log.
     */
    List<Long> segmentNumbers(List<Path> leftovers) throws IOException {
        List<Long> numbers = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (name.matches("\\d{20}\\" + SEGMENT_SUFFIX)) {
                    numbers.add(Long.parseLong(name.substring(0, 20)));
                } else if (name.endsWith(TEMPORARY_SUFFIX) || name.startsWith(BASE_PREFIX)
                        && !(manifest.hasBase() && file.equals(basePath(manifest.first())))) {
                    leftovers.add(file);
                }
            }
        }
        numbers.sort(null);
        List<Long> log = new ArrayList<>();
        for (long number : numbers) {
            if (number >= manifest.first()) {
                log.add(number);
            } else {
                leftovers.add(segmentPath(number));
            }
        }
        return log;
    }

    private static Properties load(Path file) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        }
        return properties;
    }

    /** Writes a small file so that a crash leaves either the old or the new one, whole: temp, fsync, rename. */
    private static void writeAtomically(Path dir, String name, String text) throws IOException {
        Path temporary = dir.resolve(name + TEMPORARY_SUFFIX);
        try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
            out.force(true);
        }
        try {
            Files.move(temporary, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
        forceDirectory(dir);
    }

    /** Makes a rename or a new file in the directory durable, where the system allows (Linux does). */
    static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            log.debug("could not fsync directory {}: {}", dir, e.toString());
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            closeQuietly(lockChannel);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("could not close the lock file: {}", e.toString());
        }
    }
}
