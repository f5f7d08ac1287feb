package dev.fanout.cli;

import dev.fanout.client.ClientListener;
import dev.fanout.client.ClientOptions;
import dev.fanout.client.Disconnect;
import dev.fanout.client.FanoutClient;
import dev.fanout.client.FanoutException;
import dev.fanout.client.GapEvent;
import dev.fanout.client.Message;
import dev.fanout.client.ResetEvent;
import dev.fanout.client.SubscribeOptions;
import dev.fanout.client.Subscription;
import dev.fanout.protocol.line.SafeText;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code fanout sub --topic}: subscribes through the client library, which reconnects and resumes, and prints
 * each message as it comes: as text, raw, or as one JSON object per line. Gaps and resets go to standard error
 * (and as objects with {@code "type"} in JSON). Output from several subscriptions is written one message at a
 * time, under a lock.
 */
final class TopicReader {

    private final ClientTarget target;
    private final List<String> filters;
    private final SubscribeOptions start;
    private final long count;
    private final boolean json;
    private final boolean raw;
    private final OutputStream out;
    private final PrintStream err;
    private final AtomicLong printed = new AtomicLong();
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    TopicReader(ClientTarget target, List<String> filters, SubscribeOptions start, long count,
                boolean json, boolean raw, OutputStream out, PrintStream err) {
        this.target = target;
        this.filters = filters;
        this.start = start;
        this.count = count;
        this.json = json;
        this.raw = raw;
        this.out = out;
        this.err = err;
    }

    /** Runs until {@code count} messages were printed (0: until the client gives up); returns the exit status. */
    int run() {
        ClientOptions options = target.options()
                // A name of its own: several at once must not ask for the same one.
                .name("fanout-sub-" + ProcessHandle.current().pid()).listener(new Reporter()).build();
        try (FanoutClient client = FanoutClient.connect(options)) {
            List<Subscription> subscriptions = new ArrayList<>();
            for (String filter : filters) {
                subscriptions.add(client.subscribe(filter, start, this::print));
            }
            for (Subscription subscription : subscriptions) {
                subscription.subscribed().whenComplete((ok, failure) -> {
                    if (failure != null) {
                        done.completeExceptionally(failure);
                    }
                });
            }
            done.get();
            return 0;
        } catch (ExecutionException e) {
            throw new CommandFailure(describe(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        } catch (FanoutException e) {
            throw new CommandFailure(describe(e));
        }
    }

    private static String describe(Throwable failure) {
        return failure.getMessage() == null ? failure.toString() : failure.getMessage();
    }

    private void print(Message message) {
        if (done.isDone()) {
            return;
        }
        synchronized (out) {
            try {
                if (json) {
                    line(new JsonLine().field("topic", message.topic()).field("seq", message.sequence())
                            .field("epoch", message.epoch()).field("time", message.publishedAtMillis())
                            .payload(message.payload()).toString());
                } else if (raw) {
                    out.write(message.payload());
                } else {
                    line(SafeText.render(message.payload()));
                }
                out.flush();
            } catch (IOException e) {
                done.completeExceptionally(new CommandFailure("cannot write the output: " + e.getMessage()));
                return;
            }
            if (count > 0 && printed.incrementAndGet() >= count) {
                done.complete(null);
            }
        }
    }

    private void line(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.write('\n');
    }

    /** Writes an event line to the output (JSON) and a note to standard error. */
    private void event(String note, JsonLine object) {
        err.println("fanout sub: " + note);
        if (json) {
            synchronized (out) {
                try {
                    line(object.toString());
                    out.flush();
                } catch (IOException e) {
                    done.completeExceptionally(new CommandFailure("cannot write the output: " + e.getMessage()));
                }
            }
        }
    }

    /** What the library reports, as the user sees it. */
    private final class Reporter implements ClientListener {

        @Override
        public void onGap(Subscription subscription, GapEvent gap) {
            event("gap in " + gap.topic() + ": messages " + gap.firstMissing() + " to " + gap.lastMissing()
                    + " are gone (" + gap.cause().name().toLowerCase(java.util.Locale.ROOT) + ")",
                    new JsonLine().field("type", "gap").field("topic", gap.topic()).field("epoch", gap.epoch())
                            .field("first", gap.firstMissing()).field("last", gap.lastMissing()));
        }

        @Override
        public void onReset(Subscription subscription, ResetEvent reset) {
            event("reset of " + reset.topic() + ": its stream started afresh (epoch " + reset.oldEpoch() + " is gone"
                    + "), going on from sequence " + reset.firstHeld() + " of epoch " + reset.epoch(),
                    new JsonLine().field("type", "reset").field("topic", reset.topic()).field("epoch", reset.epoch())
                            .field("old_epoch", reset.oldEpoch()).field("first", reset.firstHeld())
                            .field("last", reset.lastHeld()));
        }

        @Override
        public void onDisconnected(Disconnect disconnect) {
            err.println("fanout sub: disconnected (" + disconnect.describe() + "); reconnecting");
        }

        @Override
        public void onReconnected(dev.fanout.client.ConnectionInfo info) {
            err.println("fanout sub: reconnected; resuming after the last message printed");
        }

        @Override
        public void onError(FanoutException error) {
            err.println("fanout sub: the server said: " + error.getMessage());
        }

        @Override
        public void onClosed(FanoutException failure) {
            if (failure != null) {
                done.completeExceptionally(failure);
            }
        }
    }
}
