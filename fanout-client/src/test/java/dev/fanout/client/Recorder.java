package dev.fanout.client;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A listener that keeps everything it is told, for tests to look at; thread-safe. */
final class Recorder implements ClientListener {

    final List<String> events = new CopyOnWriteArrayList<>();
    final List<Disconnect> disconnects = new CopyOnWriteArrayList<>();
    final List<GapEvent> gaps = new CopyOnWriteArrayList<>();
    final List<ResetEvent> resets = new CopyOnWriteArrayList<>();
    final List<FanoutException> errors = new CopyOnWriteArrayList<>();
    final List<Throwable> callbackErrors = new CopyOnWriteArrayList<>();

    @Override
    public void onConnected(ConnectionInfo info) {
        events.add("CONNECTED");
    }

    @Override
    public void onDisconnected(Disconnect disconnect) {
        disconnects.add(disconnect);
        events.add("DISCONNECTED");
    }

    @Override
    public void onReconnected(ConnectionInfo info) {
        events.add("RECONNECTED");
    }

    @Override
    public void onResubscribed(Subscription subscription) {
        events.add("RESUBSCRIBED " + subscription.filter());
    }

    @Override
    public void onGap(Subscription subscription, GapEvent gap) {
        gaps.add(gap);
        events.add("GAP " + gap);
    }

    @Override
    public void onReset(Subscription subscription, ResetEvent reset) {
        resets.add(reset);
        events.add("RESET " + reset.topic());
    }

    @Override
    public void onCallbackError(Subscription subscription, Message message, Throwable error) {
        callbackErrors.add(error);
    }

    @Override
    public void onError(FanoutException error) {
        errors.add(error);
        events.add("ERROR " + error.getMessage());
    }

    @Override
    public void onClosed(FanoutException failure) {
        events.add("CLOSED");
    }

    long count(String event) {
        return events.stream().filter(e -> e.equals(event)).count();
    }
}
