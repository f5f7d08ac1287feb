package dev.fanout.store.disk;

import dev.fanout.protocol.ByteSize;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the log back at start: reads every record of every file in order, checks each, and rebuilds every
 * topic's index. The first record that is not whole (cut short, a length no record has, a CRC that does not
 * match) or does not fit (a topic never named, a number that does not follow) ends the log: it and everything
 * after it are cut, and the cut is logged.
 *
 * <p>Then it decides whether acknowledged messages may have been lost, in which case every topic starts a new
 * epoch, so that clients are told RESET rather than handed other messages under numbers they already saw:
 * <ul>
 *   <li>a cut that is not a record torn at the very end of the log (damage, garbage): yes;</li>
 *   <li>after a clean stop, a log that ends before where that stop ended it: yes; bytes after it were written by
 *       something else and are cut, but nothing is lost;</li>
 *   <li>after a crash of the process (same boot of the machine): a record torn at the end was never acknowledged
 *       (an ACK waits for its write), so no;</li>
 *   <li>after the machine restarted without a clean stop: with fsync always, no; otherwise what was written in the
 *       last interval may be gone without a trace, so yes.</li>
 * </ul>
 */
final class Recovery {

    private static final Logger log = LoggerFactory.getLogger(Recovery.class);

    private static final int READ_BYTES = 1024 * 1024;

    private final DataDirectory directory;
    private final LogIndex index;
    private final CRC32C crc = new CRC32C();
    private ByteBuffer buffer = ByteBuffer.allocate(READ_BYTES);
    /** Where in the file being scanned the buffer's first byte is. */
    private long bufferStart;
    private long messages;
    private long bytes;

    /** What recovery found. */
    record Result(Segment current, List<DiskTopic> renewed, List<LogWriter.Named> named) {
    }

    /** Where the log stopped being readable, and why. */
    /**
     * Where the log stops being readable, and why: in file {@code file} (an index into the log's files) at
     * {@code offset}, or, with offset -1, the whole file missing its place. {@code torn}: a write the process did
     * not finish, rather than damage.
     */
    private record Damage(int file, long offset, String reason, boolean torn) {
    }

    private Recovery(DataDirectory directory, LogIndex index) {
        this.directory = directory;
        this.index = index;
    }

    /** Recovers the log of {@code directory} into {@code index}; returns the segment to append to. */
    static Result recover(DataDirectory directory, LogIndex index) throws IOException {
        return new Recovery(directory, index).run();
    }

    private Result run() throws IOException {
        long started = System.nanoTime();
        Optional<DataDirectory.Run> lastRun = directory.lastRun();
        lastRun.filter(run -> !run.stopped() && !run.renewing()).ifPresent(run -> log.info("history: the last run "
                + "did not stop cleanly ({}, --fsync {}); checking every record of the log",
                run.boot().equals(DataDirectory.bootId()) ? "its process ended on this boot of the machine"
                        : "the machine restarted since", run.fsync().label()));
        removeLeftovers();
        List<Segment> files = open();
        LogPosition cleanEnd = lastRun.filter(DataDirectory.Run::stopped).map(DataDirectory.Run::end).orElse(null);
        Damage missing = missingFile(files);
        Damage damage = null;
        boolean shorterThanClean = false;
        int readable = missing == null ? files.size() : missing.file();
        for (int i = 0; i < readable && damage == null; i++) {
            Segment file = files.get(i);
            long end = file.size();
            if (cleanEnd != null && !file.isBase() && file.number() == cleanEnd.segment()) {
                if (end > cleanEnd.offset()) {
                    log.warn("history log {} holds {} after where the last clean stop ended it: written by something "
                            + "else; cut", file, ByteSize.format(end - cleanEnd.offset()));
                    file.truncate(cleanEnd.offset());
                    end = cleanEnd.offset();
                } else if (end < cleanEnd.offset()) {
                    shorterThanClean = true;
                }
            }
            damage = scan(i, file, end, i == files.size() - 1, garbageTailIsTorn(lastRun));
        }
        if (damage == null) {
            damage = missing;
        }
        String lost = lostBecause(lastRun, damage, cleanEnd != null && (shorterThanClean || !endsAt(files, cleanEnd)));
        if (lost != null) {
            // Before anything is cut: a start that stops before it recorded the new epochs must not find a log
            // that looks whole under the old ones.
            directory.markRenewing(lastRun.map(DataDirectory.Run::fsync).orElse(FsyncPolicy.OS));
        }
        if (damage != null) {
            files = cut(files, damage);
        }
        List<DiskTopic> renewed = lost == null ? List.of() : renew(lost);
        Segment current = files.isEmpty() || files.get(files.size() - 1).isBase()
                ? openSegment(files.isEmpty() ? directory.manifest().first()
                        : files.get(files.size() - 1).number())
                : files.get(files.size() - 1);
        if (!files.contains(current)) {
            files.add(current);
        }
        files.forEach(index::added);
        log.info("history: {} topic{} and {} message{} ({}) brought back from {} file{} in {} in {} ms",
                index.topics().size(), plural(index.topics().size()), messages, plural(messages),
                ByteSize.format(bytes), files.size(), plural(files.size()), directory.path(),
                (System.nanoTime() - started) / 1_000_000);
        return new Result(current, renewed, named());
    }

    private static String plural(long count) {
        return count == 1 ? "" : "s";
    }

    /**
     * Why acknowledged messages may be missing from the log as recovered, or null if none can be: the rules of
     * this class's comment, in order.
     */
    private String lostBecause(Optional<DataDirectory.Run> lastRun, Damage damage, boolean lessThanCleanStop) {
        if (lastRun.isPresent() && lastRun.get().renewing()) {
            return "an earlier start stopped before it recorded new epochs";
        }
        boolean clean = lastRun.isPresent() && lastRun.get().stopped();
        boolean sameBoot = lastRun.isPresent() && !lastRun.get().boot().isEmpty()
                && lastRun.get().boot().equals(DataDirectory.bootId());
        FsyncPolicy fsync = lastRun.map(DataDirectory.Run::fsync).orElse(FsyncPolicy.OS);
        if (damage != null && !damage.torn()) {
            return "the log was damaged: " + damage.reason();
        }
        if (damage != null && (clean || lastRun.isEmpty())) {
            return clean ? "the log was cut short after a clean stop" : "the log was cut and no run is on record";
        }
        if (lessThanCleanStop) {
            return "the log holds less than the last clean stop left";
        }
        if (!clean && lastRun.isPresent() && !sameBoot && fsync != FsyncPolicy.ALWAYS) {
            return "the machine restarted while the server ran with --fsync " + fsync.label()
                    + ", so what it wrote last may not have reached the disk";
        }
        if (lastRun.isEmpty() && messages > 0) {
            return "no run is on record for this log";
        }
        return null;
    }

    /**
     * Whether bad bytes at the end of the log, followed by no whole record, are a write the machine did not
     * finish rather than damage: after a machine restart with fsync always, where everything acknowledged was
     * forced and what was being written may have reached the disk in part, as zeros or as garbage.
     */
    private static boolean garbageTailIsTorn(Optional<DataDirectory.Run> lastRun) {
        return lastRun.isPresent() && !lastRun.get().stopped() && !lastRun.get().renewing()
                && lastRun.get().fsync() == FsyncPolicy.ALWAYS
                && !lastRun.get().boot().equals(DataDirectory.bootId());
    }

    /** What the log names after recovery, as the writer must know it. */
    private List<LogWriter.Named> named() {
        List<LogWriter.Named> named = new ArrayList<>();
        for (DiskTopic topic : index.topics()) {
            synchronized (topic.ring) {
                if (topic.headerWritten) {
                    named.add(new LogWriter.Named(topic, topic.ring.epoch(), topic.ring.epochFirst(),
                            topic.ring.last(), topic.ring.newestGoneAtMillis()));
                }
            }
        }
        return named;
    }

    /** Whether the log ends where a clean stop said it did: in the segment it named, at its size. */
    private static boolean endsAt(List<Segment> files, LogPosition end) {
        Segment last = files.isEmpty() ? null : files.get(files.size() - 1);
        return last != null && !last.isBase() && last.number() == end.segment() && last.size() == end.offset();
    }

    /** A file the manifest names that is not there: the base, or a segment between others. */
    private Damage missingFile(List<Segment> files) {
        DataDirectory.Manifest manifest = directory.manifest();
        long expected = manifest.first();
        for (int i = 0; i < files.size(); i++) {
            Segment file = files.get(i);
            if (i == 0 && manifest.hasBase() && !file.isBase()) {
                return new Damage(0, -1, "the base file " + directory.basePath(manifest.first()).getFileName()
                        + " is missing", false);
            }
            if (!file.isBase()) {
                if (file.number() != expected) {
                    return new Damage(i, -1, "segment " + expected + " is missing", false);
                }
                expected++;
            }
        }
        return null;
    }

    private void removeLeftovers() throws IOException {
        List<Path> leftovers = new ArrayList<>();
        directory.segmentNumbers(leftovers);
        for (Path leftover : leftovers) {
            log.info("history: removing {}, left by an unfinished rewrite or an earlier cut; it is not part of the "
                    + "log", leftover.getFileName());
            Files.deleteIfExists(leftover);
        }
    }

    private List<Segment> open() throws IOException {
        List<Segment> files = new ArrayList<>();
        DataDirectory.Manifest manifest = directory.manifest();
        if (manifest.hasBase()) {
            Path base = directory.basePath(manifest.first());
            if (Files.exists(base)) {
                files.add(Segment.open(base, manifest.first(), true));
            } else {
                log.warn("history: the base file {} the manifest names is missing; the log starts after it",
                        base.getFileName());
            }
        }
        for (long number : directory.segmentNumbers(new ArrayList<>())) {
            files.add(Segment.open(directory.segmentPath(number), number, false));
        }
        return files;
    }

    private Segment openSegment(long number) throws IOException {
        Segment segment = Segment.open(directory.segmentPath(number), number, false);
        DataDirectory.forceDirectory(directory.path());
        return segment;
    }

    /**
     * Reads the records of {@code file} (the log's file number {@code index}) up to {@code end} into the index;
     * returns where it stopped, if early. A record cut short at the end of the last file is torn; so are bad
     * bytes there that no whole record follows, if {@code garbageTailIsTorn}.
     */
    private Damage scan(int index, Segment file, long end, boolean lastFile, boolean garbageTailIsTorn)
            throws IOException {
        long position = 0;
        bufferStart = 0;
        buffer.clear().limit(0);
        while (position < end) {
            long left = end - position;
            if (left < LogRecord.PREFIX_BYTES) {
                return new Damage(index, position, "a record cut short (" + left + " bytes)", lastFile);
            }
            int at = hold(file, position, LogRecord.PREFIX_BYTES, end);
            int length = buffer.getInt(at);
            String bad = null;
            if (length < LogRecord.MIN_LENGTH || length > LogRecord.MAX_LENGTH) {
                bad = "a length no record has (" + Integer.toUnsignedString(length) + ")";
            } else if (LogRecord.PREFIX_BYTES + (long) length > left) {
                return new Damage(index, position, "a record cut short (" + left + " of its "
                        + (LogRecord.PREFIX_BYTES + length) + " bytes)", lastFile);
            } else {
                int size = LogRecord.PREFIX_BYTES + length;
                at = hold(file, position, size, end);
                LogRecord.Check check = LogRecord.check(buffer, at, size, crc);
                if (check != LogRecord.Check.WHOLE) {
                    bad = check == LogRecord.Check.BAD_CRC ? "a record whose CRC does not match"
                            : "a record of an unknown type";
                } else {
                    String misfit = apply(file, position, at);
                    if (misfit != null) {
                        return new Damage(index, position, misfit, false);
                    }
                    position += size;
                    continue;
                }
            }
            boolean torn = lastFile && garbageTailIsTorn && !followedByWholeRecord(file, position, end);
            return new Damage(index, position, bad, torn);
        }
        return null;
    }

    /** Whether a whole record follows the bad one at {@code position}, as its length says: damage, not a tail. */
    private boolean followedByWholeRecord(Segment file, long position, long end) throws IOException {
        int at = hold(file, position, LogRecord.PREFIX_BYTES, end);
        long next = position + LogRecord.PREFIX_BYTES + Integer.toUnsignedLong(buffer.getInt(at));
        if (next + LogRecord.PREFIX_BYTES > end) {
            return false;
        }
        at = hold(file, next, LogRecord.PREFIX_BYTES, end);
        int length = buffer.getInt(at);
        if (length < LogRecord.MIN_LENGTH || next + LogRecord.PREFIX_BYTES + length > end) {
            return false;
        }
        at = hold(file, next, LogRecord.PREFIX_BYTES + length, end);
        return LogRecord.check(buffer, at, LogRecord.PREFIX_BYTES + length, crc) == LogRecord.Check.WHOLE;
    }

    /**
     * Makes sure the buffer holds the file's bytes from {@code position} for {@code need} bytes (which the file
     * has before {@code end}), reading ahead; returns where {@code position} is in the buffer.
     */
    private int hold(Segment file, long position, int need, long end) throws IOException {
        if (position < bufferStart || position + need > bufferStart + buffer.limit()) {
            if (buffer.capacity() < need) {
                buffer = ByteBuffer.allocate(need);
            }
            buffer.clear();
            buffer.limit((int) Math.min(buffer.capacity(), end - position));
            file.read(buffer, position);
            buffer.flip();
            bufferStart = position;
        }
        return (int) (position - bufferStart);
    }

    /** Applies the record at {@code at} of the buffer to the index; returns why it does not fit, or null. */
    private String apply(Segment file, long position, int at) {
        int id = LogRecord.topicId(buffer, at);
        switch (LogRecord.type(buffer, at)) {
            case LogRecord.TOPIC -> {
                if (LogRecord.payloadSize(buffer, at) < 16) {
                    return "a topic record too short for its fields";
                }
                TopicHeader header = LogRecord.topicHeader(buffer, at);
                if (header.epoch() <= 0 || header.next() < 1 || header.epochFirst() < 1
                        || header.epochFirst() > header.next()) {
                    return "a topic record with impossible numbers";
                }
                String name = new String(LogRecord.topicName(buffer, at), StandardCharsets.UTF_8);
                DiskTopic topic = index.byId(id);
                if (topic == null || !topic.name.equals(name)) {
                    topic = index.put(new DiskTopic(name, id, header.epoch()));
                }
                synchronized (topic.ring) {
                    index.total.add(-topic.ring.reset(header.epoch(), header.epochFirst(), header.next(),
                            header.goneAtMillis()));
                    topic.recovered();
                }
            }
            case LogRecord.APPEND -> {
                DiskTopic topic = index.byId(id);
                if (topic == null) {
                    return "a message of a topic never named";
                }
                if (!LogRecord.appendFits(buffer, at)) {
                    return "a message record too short for its fields";
                }
                long sequence = LogRecord.sequence(buffer, at);
                int size = LogRecord.size(buffer, at);
                synchronized (topic.ring) {
                    if (sequence != topic.ring.next()) {
                        return "message " + sequence + " of " + topic + " where " + topic.ring.next() + " was next";
                    }
                    index.total.add(topic.ring.keep(new IndexEntry(sequence, LogRecord.time(buffer, at), size, false,
                            file, position), index.limits));
                    topic.recovered();
                }
                messages++;
                bytes += size;
            }
            case LogRecord.FORGET -> index.forget(index.byId(id));
            case LogRecord.EPOCH -> {
                DiskTopic topic = index.byId(id);
                if (topic == null || LogRecord.payloadSize(buffer, at) != 8 || LogRecord.epoch(buffer, at) <= 0) {
                    return "an epoch record of a topic never named, or with no epoch";
                }
                synchronized (topic.ring) {
                    topic.ring.changeEpoch(LogRecord.epoch(buffer, at));
                    topic.recovered();
                }
            }
            default -> {
                return "a record of an unknown type";
            }
        }
        return null;
    }

    /**
     * Cuts the log at the damage: truncates its file there, and sets the files after it aside (renamed to
     * {@code *.damaged}, for whoever wants to look, no longer part of the log).
     */
    private List<Segment> cut(List<Segment> files, Damage damage) throws IOException {
        int keep = damage.offset() < 0 ? damage.file() : damage.file() + 1;
        List<Segment> kept = new ArrayList<>(files.subList(0, keep));
        long cutBytes = 0;
        String where;
        if (damage.offset() >= 0) {
            Segment file = files.get(damage.file());
            cutBytes = file.size() - damage.offset();
            file.truncate(damage.offset());
            file.force();
            where = file + " at byte " + damage.offset() + " holds " + damage.reason();
        } else {
            where = damage.reason();
        }
        List<Segment> later = files.subList(keep, files.size());
        for (Segment file : later) {
            cutBytes += file.size();
            Path aside = file.path().resolveSibling(file.path().getFileName() + ".damaged");
            Files.move(file.path(), aside, StandardCopyOption.REPLACE_EXISTING);
            file.release();
        }
        DataDirectory.forceDirectory(directory.path());
        log.warn("history log {}: {}; cut {} there{}, and continuing", damage.torn() ? "ends in a torn write"
                : "damaged", where, ByteSize.format(cutBytes), later.isEmpty() ? ""
                : String.format(Locale.ROOT, " (the %d files after it are set aside as *.damaged)", later.size()));
        return kept;
    }

    /**
     * Puts every topic in a new epoch, keeping what survived at its numbers: clients of the old epoch are told
     * RESET, and may read it again under the new one, but are never handed other messages under numbers they saw.
     */
    private List<DiskTopic> renew(String why) {
        List<DiskTopic> topics = index.topics();
        long kept = 0;
        for (DiskTopic topic : topics) {
            synchronized (topic.ring) {
                kept += topic.ring.count();
                topic.ring.changeEpoch(index.newEpoch());
                topic.recovered();
            }
        }
        if (!topics.isEmpty()) {
            log.warn("history: acknowledged messages may have been lost ({}): all {} topics start a new epoch, "
                    + "keeping the {} messages that survived at their numbers; resuming clients are told RESET",
                    why, topics.size(), kept);
        }
        return topics;
    }
}
