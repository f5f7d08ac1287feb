package dev.fanout.server.control;

import dev.fanout.hub.Batch;
import dev.fanout.hub.Message;
import dev.fanout.hub.MessageForm;
import dev.fanout.hub.SharedBytes;
import dev.fanout.hub.Topic;
import dev.fanout.hub.TopicState;
import dev.fanout.protocol.control.ControlFrame;
import dev.fanout.protocol.control.GapCause;
import dev.fanout.server.session.Delivery;
import dev.fanout.server.session.Session;
import dev.fanout.server.session.SessionSubscriber;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One topic of a control subscription: replays what the client asked for from history, then hands over to
 * live messages with no gap and no duplicate at the seam, and reports what the client cannot get (GAP, RESET).
 *
 * <p>The feed joins the topic before it reads anything, so every message appended from then on reaches it
 * live. While it replays, it keeps those live messages (subscribe first, keep live, merge by sequence): once the
 * replay reaches the first kept message, the kept ones follow it and the feed is live. A subscription to what
 * comes next therefore needs no read at all, and a replay need not outrun the publishers to meet the live
 * stream, which against a store in another server (Redis) a round trip per read could not. What is kept is
 * charged to the session's queue limits and the server-wide budget; when they have no room, the feed stops
 * keeping and notes the highest it let pass instead, and reads history until a read has covered it (history
 * holds what it let pass, or the client is told it is gone). Replay reads one chunk at a time, and only while
 * the session's queue is empty and its socket takes more: it is paced by the client like live traffic.
 * Loop-confined, except {@link #eventLoop()} and {@link #id()}.
 */
final class TopicFeed implements SessionSubscriber, Delivery {

    private static final Logger log = LoggerFactory.getLogger(TopicFeed.class);

    /**
     * How long a client resuming a mirrored topic from its upstream's epoch waits for a relay that has not yet
     * brought anything of it since this server started (its history is being refilled), before it is answered
     * with what this server holds.
     */
    static final Duration MIRROR_WAIT = Duration.ofSeconds(30);

    /** Most messages read from history at once. */
    static final int CHUNK_MESSAGES = 256;
    /** About the most payload bytes read from history at once: the connection's high-water mark. */
    static final long CHUNK_BYTES = 64 * 1024;

    private final ControlSubscription owner;
    /** Set once, before the first delivery can reach the feed. */
    private Topic topic;
    private final MessageForm form;
    /** Where to start, given once the topic's state is known. */
    private final ResumePoint resume;
    private boolean started;
    private boolean live;
    private boolean cancelled;
    private boolean reading;
    private boolean pumping;
    /** Waiting for a relay to bring what the client resumes from; see {@link #MIRROR_WAIT}. */
    private ScheduledFuture<?> mirrorWait;
    /** When the wait for the relay ends whatever it brought ({@link System#nanoTime()}); 0 before any wait. */
    private long mirrorDeadline;
    /** The epoch of what this feed sends, 0 until known. */
    private long epoch;
    /** The sequence number the client should get next. */
    private long next;
    /**
     * The store's last in {@link #epoch} when the feed last read its state, a member of the topic by then: every
     * message after it reaches the feed live.
     */
    private long lastAtState;
    /**
     * Live messages kept while not live yet, oldest first, one reference each, for the replay to meet; see
     * {@link #keep}. Their cost is reserved from the session while they wait.
     */
    private final ArrayDeque<Message> kept = new ArrayDeque<>();
    /** What {@link #kept} has reserved from the session. */
    private long keptBytes;
    /** False once the session had no room to keep more, until the replay has reached what was kept. */
    private boolean keeping = true;
    /** The highest sequence number let pass live, not kept, while not live yet; of {@link #passedEpoch}. */
    private long highestPassed;
    /** The epoch of {@link #highestPassed}, 0 while nothing was let pass. */
    private long passedEpoch;
    /** {@link #highestPassed} when the last read was made: what that read must have covered if it is held. */
    private long passedAtRead;
    /**
     * Runs of messages the queue dropped (drop-oldest) and not yet reported, as first and last sequence, oldest
     * first. Kept apart, not merged: what was written between two drops reached the client and is no gap.
     */
    private final ArrayList<long[]> dropped = new ArrayList<>();

    TopicFeed(ControlSubscription owner, ResumePoint resume) {
        this.owner = owner;
        this.form = owner.msgForm();
        this.resume = resume;
    }

    /** Names the topic the feed is a member of: set before the loop can deliver to it. */
    TopicFeed attach(Topic joined) {
        this.topic = joined;
        return this;
    }

    Topic topic() {
        return topic;
    }

    @Override
    public Session session() {
        return owner.session();
    }

    @Override
    public long id() {
        return owner.session().id();
    }

    @Override
    public String name() {
        return owner.session().name();
    }

    @Override
    public EventLoop eventLoop() {
        return owner.session().eventLoop();
    }

    /**
     * Starts the feed once it is a member of its topic: learns the topic's state, tells the client where it
     * starts (SUBSCRIBED, RESET, GAP) and replays. On the loop.
     */
    void start() {
        topic.state().whenComplete((state, failure) -> session().onLoop(() -> {
            if (cancelled) {
                return;
            }
            if (failure != null) {
                owner.unavailable(topic.name(), failure);
                return;
            }
            begin(state);
        }));
    }

    private void begin(TopicState state) {
        if (resume.awaitsMirror(state, topic)) {
            long now = System.nanoTime();
            if (mirrorDeadline == 0) {
                mirrorDeadline = now + MIRROR_WAIT.toNanos();
            }
            if (now - mirrorDeadline < 0) {
                mirrorWait = session().eventLoop().schedule(this::mirrorArrived, mirrorDeadline - now,
                        TimeUnit.NANOSECONDS);
                return;
            }
            log.info("{}: its relay has not brought what the client resumes from within {} s; answering with what "
                    + "this server holds", this, MIRROR_WAIT.toSeconds());
        }
        // A relayed topic its relay has brought nothing of yet has a numbering of its own that the upstream's
        // replaces when the relay's first message comes: the client is told no epoch (0), and takes that one.
        boolean upstreamEpochUnknown = topic.awaitsMirror();
        epoch = upstreamEpochUnknown ? 0 : state.epoch();
        lastAtState = state.last();
        dropKeptOfAnEarlierEpoch();
        owner.started(this, state, upstreamEpochUnknown);
        if (!resume.isMoment()) {
            replayFrom(resume.firstWanted(state, this));
            return;
        }
        topic.firstSince(resume.value()).whenComplete((sequence, failure) -> session().onLoop(() -> {
            if (cancelled) {
                return;
            }
            if (failure != null) {
                owner.unavailable(topic.name(), failure);
                return;
            }
            replayFrom(ResumePoint.fromSequence(sequence).firstWanted(state, this));
        }));
    }

    /**
     * Lets go of kept messages of another epoch that came before kept ones of the state's epoch: the topic moved
     * to that epoch before the state was read (a store starting a topic afresh), so they are of the epoch the client
     * must not be sent back to. Kept ones all of another epoch may be older or newer; they stay, for the live rules.
     */
    private void dropKeptOfAnEarlierEpoch() {
        if (epoch == 0 || kept.stream().noneMatch(m -> m.epoch() == epoch)) {
            return;
        }
        while (kept.peek().epoch() != epoch) {
            releaseKept(kept.poll());
        }
    }

    /** The relay brought something of the topic, or the wait is over: look at the topic's state again. */
    private void mirrorArrived() {
        if (mirrorWait != null) {
            mirrorWait.cancel(false);
            mirrorWait = null;
            start();
        }
    }

    /** Replays from {@code first} on, then goes live. */
    private void replayFrom(long first) {
        next = first;
        started = true;
        pump();
    }

    /** Tells the client that its epoch is gone: the stream started afresh. */
    void reset(long clientEpoch, TopicState state) {
        owner.send(new ControlFrame.Reset(owner.id(), clientEpoch, state.epoch(), state.first(), state.last(),
                topic.name()));
    }

    /** Tells the client that what it asked for from {@code from} on is partly gone. */
    void gap(long from, TopicState state) {
        owner.send(new ControlFrame.Gap(owner.id(), GapCause.HISTORY, state.epoch(), from, state.first() - 1,
                state.first(), state.last(), topic.name()));
    }

    /** Reads history while the client takes more, until the replay has met the live stream. */
    private void pump() {
        if (pumping) {
            return;
        }
        pumping = true;
        try {
            while (started && !live && !reading && !cancelled && session().isWritable()) {
                if (epoch != 0 && !kept.isEmpty() && kept.peek().epoch() != epoch) {
                    // Kept from a new epoch: its start is in history, before what was kept.
                    replayTheNewEpoch();
                    break;
                }
                if (keptIsNext()) {
                    sendKeptRun();
                    continue;
                }
                reading = true;
                passedAtRead = epoch == 0 || passedEpoch == epoch ? highestPassed : 0;
                CompletableFuture<List<Message>> read = topic.read(next, CHUNK_MESSAGES, CHUNK_BYTES);
                if (read.isDone()) {
                    reading = false;
                    if (!replayed(read)) {
                        break;
                    }
                } else {
                    read.whenComplete((messages, failure) -> session().onLoop(() -> afterRead(read)));
                }
            }
        } finally {
            pumping = false;
        }
    }

    /**
     * Sends what a read that completed later returned, and reads on. As a pump: sending may flush, and a connection
     * that can take more again says so at once (Netty's writability event), which would pump from inside the send,
     * before {@link #next} has moved past what it sent, and read it again.
     */
    private void afterRead(CompletableFuture<List<Message>> read) {
        reading = false;
        if (pumping) {
            // Completed at once, inside the pump's own loop (between its look and its callback): it goes on.
            replayed(read);
            return;
        }
        boolean more;
        pumping = true;
        try {
            more = replayed(read);
        } finally {
            pumping = false;
        }
        if (more) {
            pump();
        }
    }

    /** Sends what a read returned; true to read on. Only while pumping (see {@link #afterRead}). */
    private boolean replayed(CompletableFuture<List<Message>> read) {
        List<Message> messages;
        try {
            messages = read.join();
        } catch (RuntimeException e) {
            if (!readOnlyConfirms()) {
                owner.unavailable(topic.name(), e);
                return false;
            }
            // Redis went while the read looked past what the feed has: whatever it holds beyond comes live, so the
            // subscription goes on as if history had nothing more.
            messages = List.of();
        }
        try {
            if (cancelled || session().isClosed()) {
                return false;
            }
            if (anotherEpochAhead(messages)) {
                replayTheNewEpoch();
                return false;
            }
            // Kept meanwhile from the live stream (the read may come back after the store moved on): what the read
            // has from the first kept on is handed over from there, and only what comes before it counts here.
            List<Message> held = beforeKept(messages);
            if (held.isEmpty()) {
                if (!kept.isEmpty()) {
                    // History holds nothing before the first kept: what lies between is gone.
                    Message first = kept.peek();
                    if (epoch != 0 && first.epoch() == epoch && first.sequence() > next) {
                        owner.send(new ControlFrame.Gap(owner.id(), GapCause.HISTORY, epoch, next,
                                first.sequence() - 1, first.sequence(), topic.lastSequence(), topic.name()));
                    }
                    next = Math.max(next, first.sequence());
                    return true;
                }
                // History holds nothing from next on: live, unless something let pass live is still unread.
                if (!passedUnread()) {
                    live = true;
                    return false;
                }
                if (passedAtRead >= next) {
                    // Let pass before this read and not held (history off, or trimmed at once): gone.
                    owner.send(new ControlFrame.Gap(owner.id(), GapCause.HISTORY, epoch, next, passedAtRead,
                            passedAtRead + 1, topic.lastSequence(), topic.name()));
                    next = passedAtRead + 1;
                }
                return true;
            }
            if (epoch == 0) {
                epoch = held.get(0).epoch();
            }
            long first = held.get(0).sequence();
            if (first > next) {
                // Trimmed while we replayed.
                owner.send(new ControlFrame.Gap(owner.id(), GapCause.HISTORY, epoch, next, first - 1, first,
                        topic.lastSequence(), topic.name()));
            }
            send(held);
            next = held.get(held.size() - 1).sequence() + 1;
            if (kept.isEmpty() && highestPassed > 0 && !passedUnread()) {
                // The replay has covered everything let pass live: what comes live from now on follows it (the
                // seam drops any overlap). Waiting for an empty read instead would never end while messages keep
                // coming faster than a read of a store in another server takes.
                live = true;
                return false;
            }
            return true;
        } finally {
            messages.forEach(Message::release);
        }
    }

    /** The messages of {@code read} before the first kept one, if that is of their epoch; all of them otherwise. */
    private List<Message> beforeKept(List<Message> read) {
        Message firstKept = kept.peek();
        if (firstKept == null || read.isEmpty() || firstKept.epoch() != read.get(0).epoch()
                || read.get(read.size() - 1).sequence() < firstKept.sequence()) {
            return read;
        }
        return read.stream().filter(message -> message.sequence() < firstKept.sequence()).toList();
    }

    /** Encodes messages for this client alone (a replay, or the seam) and queues them. */
    private void send(List<Message> messages) {
        long self = owner.echo() ? Batch.ECHO : id();
        int size = 0;
        int count = 0;
        for (Message message : messages) {
            if (message.origin().clientId() != self) {
                size += form.size(message);
                count++;
            }
        }
        if (count == 0) {
            return;
        }
        ByteBuf bytes = session().channel().alloc().directBuffer(size);
        try {
            for (Message message : messages) {
                if (message.origin().clientId() != self) {
                    form.writeTo(message, bytes);
                }
            }
            session().offer(bytes, count, new SharedBytes(size), this, messages.get(0).sequence(),
                    messages.get(messages.size() - 1).sequence());
            // A replay is no hub batch, whose end would flush: without this it waits for the next frame.
            session().endOfBatch();
        } finally {
            bytes.release();
        }
    }

    @Override
    public int deliver(Batch batch) {
        List<Message> messages = batch.messages();
        Message newest = messages.get(messages.size() - 1);
        if (cancelled || owner.isCancelled()) {
            // Joined a topic as its subscription was cancelled (a pattern meeting a new topic): leave it.
            cancel();
            session().context().hub().unsubscribe(topic, this);
            return 0;
        }
        if (!live) {
            keep(messages);
            mirrorArrived();
            return 0;
        }
        Message oldest = messages.get(0);
        List<Message> fresh = onward(messages);
        if (fresh != messages) {
            // The seam, a reset or a hole: rare; these are encoded for this client alone.
            send(fresh);
            return fresh.size();
        }
        long self = owner.echo() ? Batch.ECHO : id();
        ByteBuf bytes = batch.encodedFor(form, self);
        if (bytes == null) {
            return 0;
        }
        try {
            int count = batch.sizeFor(self);
            session().offer(bytes, count, batch.sharedBytes(form), this, oldest.sequence(), newest.sequence());
            return count;
        } finally {
            bytes.release();
        }
    }

    /**
     * Takes live messages of one run (consecutive, or with a hole the store could not fill) on from {@link #next}:
     * tells the client a new epoch (RESET) or a hole (GAP), and returns what is to be sent: {@code messages}
     * itself when all of it is, else those of it the client has not had.
     */
    private List<Message> onward(List<Message> messages) {
        Message oldest = messages.get(0);
        Message newest = messages.get(messages.size() - 1);
        boolean epochKnown = epoch != 0;
        if (epoch == 0) {
            // The relay brought its upstream's numbering: the stream takes it, with nothing to take back.
            epoch = oldest.epoch();
        }
        if (oldest.epoch() != epoch) {
            // A relay's upstream started afresh: so does this stream.
            owner.send(new ControlFrame.Reset(owner.id(), epoch, oldest.epoch(), oldest.sequence(), newest.sequence(),
                    topic.name()));
            epoch = oldest.epoch();
            next = oldest.sequence();
        }
        if (epochKnown && oldest.sequence() > next) {
            // A hole in the live stream that nobody could fill: in a cluster, what its server missed of the shared
            // store while it was cut off and the store no longer held when it caught up.
            owner.send(new ControlFrame.Gap(owner.id(), GapCause.HISTORY, epoch, next, oldest.sequence() - 1,
                    oldest.sequence(), topic.lastSequence(), topic.name()));
            next = oldest.sequence();
        }
        if (oldest.sequence() < next || newest.epoch() != epoch) {
            List<Message> fresh = messages.stream().filter(m -> m.epoch() == epoch && m.sequence() >= next).toList();
            if (!fresh.isEmpty()) {
                next = fresh.get(fresh.size() - 1).sequence() + 1;
            }
            return fresh;
        }
        next = newest.sequence() + 1;
        return messages;
    }

    /**
     * Keeps live messages that reach the feed before it is live, for the replay to meet, while the session has
     * room for them. Without room, it lets go of all it kept (the replay reads them from history instead, so a
     * client that stops reading while it replays holds nothing for it) and notes the highest let pass.
     */
    private void keep(List<Message> messages) {
        Message newest = messages.get(messages.size() - 1);
        if (!keeping && kept.isEmpty()) {
            // What was let pass comes before anything kept from now on: the replay reads it, then meets these.
            keeping = true;
        }
        if (keeping) {
            long bytes = 0;
            for (Message message : messages) {
                bytes += keptCost(message);
            }
            if (session().reserve(bytes, messages.size())) {
                for (Message message : messages) {
                    kept.add(message.retain());
                }
                keptBytes += bytes;
                return;
            }
            keeping = false;
            log.debug("{}: no room to keep live messages for the replay to meet from {} on; reading them from "
                    + "history", this, kept.isEmpty() ? messages.get(0).sequence() : kept.peek().sequence());
            letGoOfKept();
        }
        notePassed(newest);
    }

    /** Notes {@code newest} as let pass: the highest of its epoch, which is the newest epoch let pass. */
    private void notePassed(Message newest) {
        if (newest.epoch() != passedEpoch) {
            passedEpoch = newest.epoch();
            highestPassed = newest.sequence();
        } else {
            highestPassed = Math.max(highestPassed, newest.sequence());
        }
    }

    /**
     * Whether the replay has sent or kept everything up to what the store held when the feed read its state, and
     * nothing let pass waits to be read: everything further reaches the feed live, so reading on only confirms.
     */
    private boolean readOnlyConfirms() {
        if (epoch == 0 || passedUnread()) {
            return false;
        }
        long unsent = next;
        for (Message message : kept) {
            if (message.epoch() != epoch || message.sequence() > unsent) {
                return false;
            }
            unsent = Math.max(unsent, message.sequence() + 1);
        }
        return unsent > lastAtState;
    }

    /** Whether messages let pass live are still to be read from history: past {@link #next} in this epoch. */
    private boolean passedUnread() {
        return highestPassed >= next && (epoch == 0 || passedEpoch == epoch);
    }

    /**
     * Whether the store started the topic afresh while this feed replayed (Redis lost its data, or the topic
     * expired): a read brought another epoch's messages, or, with nothing more to read, what was let pass or kept is
     * of another epoch. Reading on in this epoch would never reach them.
     */
    private boolean anotherEpochAhead(List<Message> read) {
        if (epoch == 0) {
            return false;
        }
        if (!read.isEmpty()) {
            return read.get(0).epoch() != epoch;
        }
        return passedEpoch != 0 && passedEpoch != epoch || !kept.isEmpty() && kept.peekLast().epoch() != epoch;
    }

    /**
     * Tells the client RESET to the epoch the store holds now, and replays it from its first message held, to meet
     * what was kept of it; lets go of what was kept or noted of others.
     */
    private void replayTheNewEpoch() {
        reading = true;
        topic.state().whenComplete((state, failure) -> session().onLoop(() -> {
            reading = false;
            if (cancelled) {
                return;
            }
            if (failure != null) {
                owner.unavailable(topic.name(), failure);
                return;
            }
            if (state.epoch() != epoch) {
                owner.send(new ControlFrame.Reset(owner.id(), epoch, state.epoch(), state.first(), state.last(),
                        topic.name()));
                epoch = state.epoch();
                next = state.first();
            }
            lastAtState = state.last();
            letGoOfKeptOfOtherEpochs();
            if (passedEpoch != epoch) {
                passedEpoch = 0;
                highestPassed = 0;
            }
            passedAtRead = 0;
            // A task of its own: this may run inside the pump that asked (the state was in already), which would
            // return at once and stop with nothing left to call it again.
            session().eventLoop().execute(this::pump);
        }));
    }

    /** Releases kept messages of an epoch other than the feed's, and gives their room back. */
    private void letGoOfKeptOfOtherEpochs() {
        kept.removeIf(message -> {
            if (message.epoch() == epoch) {
                return false;
            }
            releaseKept(message);
            return true;
        });
    }

    /** Releases one message taken out of {@link #kept}, and gives its room back. */
    private void releaseKept(Message keptMessage) {
        long bytes = keptCost(keptMessage);
        session().unreserve(bytes, 1);
        keptBytes -= bytes;
        keptMessage.release();
    }

    /** Releases what was kept and gives its room back; what it held counts as let pass. */
    private void letGoOfKept() {
        if (kept.isEmpty()) {
            return;
        }
        notePassed(kept.peekLast());
        kept.forEach(Message::release);
        session().unreserve(keptBytes, kept.size());
        kept.clear();
        keptBytes = 0;
    }

    /**
     * Heap bytes a kept message is charged beyond {@link Message#memorySize()}: its slot in {@link #kept}. The
     * message itself is charged whole, though the topic's other subscribers and its history may share it.
     */
    static final int KEPT_OVERHEAD = 16;

    /** What keeping {@code message} is charged. */
    private static long keptCost(Message message) {
        return message.memorySize() + KEPT_OVERHEAD;
    }

    /** True when the replay has nothing to read before the first kept message, of the feed's epoch: it is next. */
    private boolean keptIsNext() {
        Message first = kept.peek();
        return first != null && (epoch == 0 || first.epoch() == epoch) && first.sequence() <= next;
    }

    /**
     * Hands over to the next run of kept messages (consecutive, one epoch, at most a chunk), as live ones are taken
     * on, one run per turn of the pump so that the client's pace decides, as for a replay. Once none is kept, the
     * feed is live, unless messages let pass remain to be read from history.
     */
    private void sendKeptRun() {
        List<Message> run = new ArrayList<>();
        long bytes = 0;
        for (Message message; (message = kept.peek()) != null && run.size() < CHUNK_MESSAGES; ) {
            if (!run.isEmpty()) {
                Message previous = run.get(run.size() - 1);
                if (message.epoch() != previous.epoch() || message.sequence() != previous.sequence() + 1) {
                    break;
                }
            }
            run.add(kept.poll());
            bytes += keptCost(message);
        }
        session().unreserve(bytes, run.size());
        keptBytes -= bytes;
        try {
            send(onward(run));
        } finally {
            run.forEach(Message::release);
        }
        if (kept.isEmpty() && !passedUnread()) {
            live = true;
        }
    }

    /**
     * The queue dropped messages of this feed (drop-oldest): remembered for a GAP once the client caught up, or at
     * once when {@link #MAX_DROPPED_RUNS} runs wait, so that what is remembered stays small however long the
     * client lags.
     */
    @Override
    public void dropped(int messages, long first, long last) {
        long[] previous = dropped.isEmpty() ? null : dropped.get(dropped.size() - 1);
        if (previous != null && first <= previous[1] + 1) {
            previous[1] = Math.max(previous[1], last);
        } else {
            dropped.add(new long[] {first, last});
        }
        if (dropped.size() >= MAX_DROPPED_RUNS) {
            reportDropped();
        }
    }

    /** Runs of dropped messages remembered at most before they are reported, whether or not the client caught up. */
    static final int MAX_DROPPED_RUNS = 64;

    @Override
    public void endOfBatch() {
        session().endOfBatch();
    }

    /** The session's queue emptied: report drops, then go on replaying. */
    void caughtUp() {
        reportDropped();
        pump();
    }

    /** One GAP for each run of dropped messages, in order. */
    private void reportDropped() {
        if (dropped.isEmpty() || cancelled) {
            return;
        }
        List<long[]> runs = List.copyOf(dropped);
        dropped.clear();
        topic.state().whenComplete((state, failure) -> session().onLoop(() -> {
            if (cancelled) {
                return;
            }
            for (long[] run : runs) {
                // Without the store's state (Redis unreachable), the GAP still goes: what the client lost is
                // known here; only what history holds is not, and the last this server delivered stands in.
                long first = failure == null ? state.first() : run[1] + 1;
                long last = failure == null ? state.last() : Math.max(run[1], topic.lastSequence());
                owner.send(new ControlFrame.Gap(owner.id(), GapCause.DROPPED, epoch, run[0], run[1], first, last,
                        topic.name()));
            }
        }));
    }

    /** Stops: receives nothing more. */
    void cancel() {
        cancelled = true;
        letGoOfKept();
        if (mirrorWait != null) {
            mirrorWait.cancel(false);
        }
    }

    @Override
    public String toString() {
        return session() + " subscription " + owner.id() + " on " + topic.name();
    }
}
