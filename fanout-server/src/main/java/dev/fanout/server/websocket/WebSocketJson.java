package dev.fanout.server.websocket;

import dev.fanout.protocol.control.ControlCodec;
import dev.fanout.protocol.control.ControlFrame;
import dev.fanout.protocol.control.ControlProtocolException;
import dev.fanout.protocol.control.ErrorCode;
import dev.fanout.protocol.control.Option;
import dev.fanout.protocol.control.RefKind;
import dev.fanout.protocol.control.ResumeMode;
import dev.fanout.protocol.control.TopicNames;
import dev.fanout.protocol.control.TopicPosition;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Control frames as the JSON text messages of {@code /ws} ({@code docs/protocol.md}, "WebSocket"): what a client
 * sends read into the frame it stands for, and what the server sends written from its frame. Epochs, 64-bit
 * numbers a browser's numbers cannot hold exactly, are written as decimal strings (and read as either).
 * Thread-safe.
 */
final class WebSocketJson {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Set<String> HELLO_KEYS = Set.of("type", "version", "name", "identity", "user", "password",
            "token");

    private WebSocketJson() {
    }

    /**
     * The frame a client's message stands for: hello, sub, unsub, pub, ping, pong or goodbye.
     *
     * @throws ControlProtocolException MALFORMED (not JSON, a field missing or of the wrong kind) or UNKNOWN_TYPE
     */
    static ControlFrame read(String text) {
        JsonNode message;
        try {
            message = JSON.readTree(text);
        } catch (JacksonException e) {
            throw malformed("not JSON: " + e.getOriginalMessage());
        }
        if (message == null || !message.isObject()) {
            throw malformed("a message is a JSON object with a \"type\"");
        }
        String type = string(message, "type", true);
        try {
            return switch (type) {
                case "hello" -> hello(message);
                case "sub" -> sub(message);
                case "unsub" -> new ControlFrame.Unsub(integer(message, "id"));
                case "pub" -> pub(message);
                case "ping" -> new ControlFrame.Ping(number(message, "token", 0));
                case "pong" -> new ControlFrame.Pong(number(message, "token", 0));
                case "goodbye" -> new ControlFrame.Goodbye(dev.fanout.protocol.control.GoodbyeReason.CLIENT_QUIT,
                        orEmpty(string(message, "text", false)));
                default -> throw new ControlProtocolException(ErrorCode.UNKNOWN_TYPE, "unknown type \"" + type
                        + "\"; a client sends hello, sub, unsub, pub, ping, pong or goodbye");
            };
        } catch (IllegalArgumentException e) {
            throw malformed(type + ": " + e.getMessage());
        }
    }

    private static ControlFrame hello(JsonNode message) {
        List<Option> options = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : message.properties()) {
            if (!HELLO_KEYS.contains(field.getKey())) {
                throw malformed("hello: unknown field \"" + field.getKey() + "\"; a hello may have "
                        + String.join(", ", HELLO_KEYS.stream().sorted().toList()));
            }
            if (!field.getKey().equals("type") && !field.getKey().equals("version")) {
                options.add(new Option(field.getKey(), string(message, field.getKey(), true)));
            }
        }
        int version = message.has("version") ? integer(message, "version") : ControlCodec.VERSION;
        return new ControlFrame.Hello(version, options);
    }

    private static ControlFrame sub(JsonNode message) {
        int id = integer(message, "id");
        try {
            return sub(message, id);
        } catch (ControlProtocolException e) {
            throw e.about(RefKind.SUBSCRIPTION_ID, id);
        } catch (IllegalArgumentException e) {
            throw malformed("sub: " + e.getMessage()).about(RefKind.SUBSCRIPTION_ID, id);
        }
    }

    private static ControlFrame sub(JsonNode message, int id) {
        String topic = string(message, "topic", true);
        TopicNames.checkFilter(topic);
        boolean echo = message.has("echo") && message.get("echo").asBoolean();
        String resume = orEmpty(string(message, "resume", false)).toLowerCase(Locale.ROOT);
        ResumeMode mode;
        long epoch = 0;
        long value = 0;
        switch (resume) {
            case "", "new" -> mode = ResumeMode.NEW;
            case "from" -> {
                mode = ResumeMode.FROM;
                epoch = epoch(message);
                value = number(message, "seq", -1);
            }
            case "last" -> {
                mode = ResumeMode.LAST;
                value = number(message, "count", -1);
            }
            case "since" -> {
                mode = ResumeMode.SINCE;
                value = number(message, "time", -1);
            }
            default -> throw malformed("sub: \"resume\" is new, from, last or since, not \"" + resume + "\"");
        }
        List<TopicPosition> positions = new ArrayList<>();
        JsonNode list = message.get("positions");
        if (list != null) {
            if (!list.isArray()) {
                throw malformed("sub: \"positions\" is a list of {\"topic\", \"epoch\", \"seq\"}");
            }
            for (JsonNode position : list) {
                positions.add(new TopicPosition(string(position, "topic", true), epoch(position),
                        number(position, "seq", -1)));
            }
        }
        return new ControlFrame.Sub(id, echo, mode, epoch, value, topic, positions);
    }

    private static ControlFrame pub(JsonNode message) {
        long id = message.has("id") ? number(message, "id", -1) : 0;
        try {
            return pub(message, id);
        } catch (ControlProtocolException e) {
            throw e.about(RefKind.PUBLISH_ID, id);
        } catch (IllegalArgumentException e) {
            throw malformed("pub: " + e.getMessage()).about(RefKind.PUBLISH_ID, id);
        }
    }

    private static ControlFrame pub(JsonNode message, long id) {
        String topic = string(message, "topic", true);
        TopicNames.checkTopic(topic);
        String data = string(message, "data", false);
        String data64 = string(message, "data64", false);
        if ((data == null) == (data64 == null)) {
            throw malformed("pub: give the payload as \"data\" (text) or \"data64\" (base64), one of them");
        }
        byte[] payload;
        if (data != null) {
            payload = data.getBytes(StandardCharsets.UTF_8);
        } else {
            try {
                payload = Base64.getDecoder().decode(data64);
            } catch (IllegalArgumentException e) {
                throw malformed("pub: \"data64\" is not base64");
            }
        }
        return new ControlFrame.Pub(id, topic, Unpooled.wrappedBuffer(payload));
    }

    /** {@code frame} (one the server sends) as a whole WebSocket text frame: its header, then its JSON. */
    static ByteBuf write(ByteBufAllocator alloc, ControlFrame frame) {
        ObjectNode out = JSON.createObjectNode();
        out.put("type", frame.type().name().toLowerCase(Locale.ROOT));
        if (frame instanceof ControlFrame.Welcome w) {
            out.put("version", w.version()).put("client", w.clientId()).put("server", w.serverName())
                    .put("serverVersion", w.serverVersion()).put("maxPayload", w.maxPayload())
                    .put("queueBytes", w.queueBytes()).put("pingInterval", w.pingIntervalMillis())
                    .put("pingTimeout", w.pingTimeoutMillis());
            ObjectNode options = out.putObject("options");
            w.options().forEach(option -> options.put(option.key(), option.value()));
        } else if (frame instanceof ControlFrame.Subscribed s) {
            out.put("id", s.subscriptionId()).put("epoch", Long.toUnsignedString(s.epoch()))
                    .put("lastSequence", s.lastSequence());
        } else if (frame instanceof ControlFrame.Ack a) {
            out.put("id", a.publishId()).put("epoch", Long.toUnsignedString(a.epoch())).put("seq", a.sequence());
        } else if (frame instanceof ControlFrame.Gap g) {
            out.put("id", g.subscriptionId()).put("cause", g.cause().name().toLowerCase(Locale.ROOT))
                    .put("epoch", Long.toUnsignedString(g.epoch())).put("firstMissing", g.firstMissing())
                    .put("lastMissing", g.lastMissing()).put("firstHeld", g.firstHeld())
                    .put("lastHeld", g.lastHeld()).put("topic", g.topic());
        } else if (frame instanceof ControlFrame.Reset r) {
            out.put("id", r.subscriptionId()).put("clientEpoch", Long.toUnsignedString(r.clientEpoch()))
                    .put("epoch", Long.toUnsignedString(r.epoch())).put("firstHeld", r.firstHeld())
                    .put("lastHeld", r.lastHeld()).put("topic", r.topic());
        } else if (frame instanceof ControlFrame.Error e) {
            out.put("code", e.code().name().toLowerCase(Locale.ROOT))
                    .put("ref", e.refKind().name().toLowerCase(Locale.ROOT)).put("refId", e.ref())
                    .put("text", e.text());
        } else if (frame instanceof ControlFrame.Goodbye g) {
            out.put("reason", g.reason().name().toLowerCase(Locale.ROOT)).put("text", g.text());
        } else if (frame instanceof ControlFrame.Ping p) {
            out.put("token", p.token());
        } else if (frame instanceof ControlFrame.Pong p) {
            out.put("token", p.token());
        } else {
            frame.release();
            throw new IllegalArgumentException("the server does not send " + frame.type() + " this way");
        }
        return textFrame(alloc, JSON.writeValueAsBytes(out));
    }

    /** {@code json} as one unmasked, final WebSocket text frame, as a server sends. */
    static ByteBuf textFrame(ByteBufAllocator alloc, byte[] json) {
        ByteBuf out = alloc.buffer(WebSocketFrames.headerSize(json.length) + json.length);
        WebSocketFrames.writeHeader(out, WebSocketFrames.OPCODE_TEXT, json.length);
        return out.writeBytes(json);
    }

    /** A JSON object of the given fields as a text frame: the server's messages that are not control frames. */
    static ByteBuf textFrame(ByteBufAllocator alloc, Map<String, Object> fields) {
        return textFrame(alloc, JSON.writeValueAsBytes(fields));
    }

    private static long epoch(JsonNode node) {
        JsonNode value = node.get("epoch");
        if (value == null) {
            throw malformed("\"epoch\" is missing: the epoch of the last message read, as the server sent it");
        }
        try {
            return value.isString() ? Long.parseUnsignedLong(value.asString()) : checkedLong(value, "epoch");
        } catch (NumberFormatException e) {
            throw malformed("\"epoch\" is not a number: " + value);
        }
    }

    private static String string(JsonNode node, String key, boolean required) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            if (required) {
                throw malformed("\"" + key + "\" is missing");
            }
            return null;
        }
        if (!value.isString()) {
            throw malformed("\"" + key + "\" must be a string");
        }
        return value.asString();
    }

    private static int integer(JsonNode node, String key) {
        long value = number(node, key, -1);
        if (value > Integer.MAX_VALUE) {
            throw malformed("\"" + key + "\" is too large: " + value);
        }
        return (int) value;
    }

    /** A whole number from 0 up; {@code otherwise} when missing, or missing is an error when it is negative. */
    private static long number(JsonNode node, String key, long otherwise) {
        JsonNode value = node.get(key);
        if (value == null) {
            if (otherwise < 0) {
                throw malformed("\"" + key + "\" is missing");
            }
            return otherwise;
        }
        return checkedLong(value, key);
    }

    private static long checkedLong(JsonNode value, String key) {
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 0) {
            throw malformed("\"" + key + "\" must be a whole number from 0 up");
        }
        return value.asLong();
    }

    private static String orEmpty(String text) {
        return text == null ? "" : text;
    }

    private static ControlProtocolException malformed(String message) {
        return new ControlProtocolException(ErrorCode.MALFORMED, message);
    }
}
