package dev.fanout.source;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads a {@code text/event-stream} as the WHATWG HTML standard's "interpreting an event stream" says: lines
 * end at CR, LF or CRLF; a leading BOM is dropped; a line starting with a colon is a comment; {@code data}
 * lines of one event are joined with LF; {@code event} names its type; {@code id} sets the last event id
 * (unless it contains NUL, or is over {@link #MAX_ID_CHARS}), which stays for later events; {@code retry} with
 * only digits sets the reconnection time; other fields are ignored; a blank line dispatches the event (none if
 * its data is empty, but its id still counts); an event not finished when the stream ends is dropped. Text is
 * UTF-8, with malformed bytes replaced.
 *
 * <p>Bounded: a line or an event's data longer than the limit is garbage ({@link Garbage}); the stream cannot
 * be trusted after it. Stateful, one per connection; not thread-safe.
 */
final class EventStreamParser {

    /** Receives what the stream says. */
    interface Listener {
        /** One event: its type ({@code message} unless named), its data, and the last event id then. */
        void event(String type, String data, String lastEventId);

        /** The last event id after a blank line that dispatched no event (an id with no data still counts). */
        void lastEventId(String lastEventId);

        /** The stream asked for this reconnection time. */
        void retry(long millis);
    }

    /** The longest event id kept; a longer one is ignored. */
    static final int MAX_ID_CHARS = 1024;

    private final Listener listener;
    private final int maxData;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final StringBuilder data = new StringBuilder();
    private int dataBytes;
    private String type = "";
    private String lastEventId;
    private boolean afterCr;
    private boolean first = true;

    /**
     * @param lastEventId the id to start from (the one kept from an earlier connection), or "" for none
     * @param maxData     the most bytes of data one event may have: the server's {@code --max-frame}
     */
    EventStreamParser(Listener listener, String lastEventId, int maxData) {
        this.listener = listener;
        this.lastEventId = lastEventId;
        this.maxData = maxData;
    }

    /** Reads {@code chunk} (not released here), dispatching every event it completes. */
    void feed(ByteBuf chunk) {
        while (chunk.isReadable()) {
            byte b = chunk.readByte();
            if (b == '\n' && afterCr) {
                afterCr = false;
                continue;
            }
            afterCr = b == '\r';
            if (b == '\r' || b == '\n') {
                endOfLine();
            } else {
                // A field name and its colon take few bytes; the value is bounded as the data it becomes.
                if (line.size() > maxData + 64) {
                    throw new Garbage("an event-stream line is over " + maxData + " bytes (--max-frame)");
                }
                line.write(b);
            }
        }
    }

    private void endOfLine() {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (first) {
            first = false;
            if (text.startsWith("\uFEFF")) {
                text = text.substring(1);
            }
        }
        if (text.isEmpty()) {
            dispatch();
            return;
        }
        if (text.charAt(0) == ':') {
            return;
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = colon < 0 ? "" : text.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "event" -> type = value;
            case "data" -> {
                dataBytes += value.getBytes(StandardCharsets.UTF_8).length + 1;
                if (dataBytes > maxData + 1) {
                    throw new Garbage("an event's data is over " + maxData + " bytes (--max-frame)");
                }
                data.append(value).append('\n');
            }
            case "id" -> {
                // An id is sent back as a header on every reconnect: a huge one is ignored, not echoed.
                if (value.indexOf('\0') < 0 && value.length() <= MAX_ID_CHARS) {
                    lastEventId = value;
                }
            }
            case "retry" -> {
                if (!value.isEmpty() && value.length() <= 18 && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    listener.retry(Long.parseLong(value));
                }
            }
            default -> {
                // Unknown fields are ignored, as the standard says.
            }
        }
    }

    private void dispatch() {
        if (data.length() == 0) {
            type = "";
            listener.lastEventId(lastEventId);
            return;
        }
        data.setLength(data.length() - 1);
        String eventType = type.isEmpty() ? "message" : type;
        String eventData = data.toString();
        data.setLength(0);
        dataBytes = 0;
        type = "";
        listener.event(eventType, eventData, lastEventId);
    }
}
