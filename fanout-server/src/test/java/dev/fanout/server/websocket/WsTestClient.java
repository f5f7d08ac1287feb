package dev.fanout.server.websocket;

import static org.awaitility.Awaitility.await;

import dev.fanout.server.testing.TestServer;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Netty's WebSocket client on a test server's {@code /ws}: sends JSON text messages, and keeps what it receives, in
 * order, for the test to take. Closes of the connection come as {@link #CLOSED}.
 */
final class WsTestClient implements AutoCloseable {

    static final String CLOSED = "{\"type\":\"(closed)\"}";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final Channel channel;
    private final WebSocketClientHandshaker handshaker;

    private WsTestClient(InetSocketAddress address, Map<String, String> upgradeHeaders) throws InterruptedException {
        DefaultHttpHeaders headers = new DefaultHttpHeaders();
        upgradeHeaders.forEach(headers::set);
        // As a program, which sends no Origin unless told: a browser's Origin is the test's to give.
        handshaker = WebSocketClientHandshakerFactory.newHandshaker(
                URI.create("ws://127.0.0.1:" + address.getPort() + "/ws"), WebSocketVersion.V13, null, false,
                headers, 1 << 20, true, false, 10_000, false, false);
        channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 16),
                                new WebSocketClientProtocolHandler(handshaker),
                                new SimpleChannelInboundHandler<WebSocketFrame>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
                                        if (frame instanceof TextWebSocketFrame text) {
                                            received.add(text.text());
                                        }
                                    }

                                    @Override
                                    public void channelInactive(ChannelHandlerContext ctx) {
                                        received.add(CLOSED);
                                    }
                                });
                    }
                }).connect(address).sync().channel();
    }

    /** Connects and waits for the handshake. */
    static WsTestClient connect(InetSocketAddress address) throws InterruptedException {
        return connect(address, Map.of());
    }

    /** Connects as a page of {@code origin} would, and waits for the handshake. */
    static WsTestClient connect(InetSocketAddress address, String origin) throws InterruptedException {
        return connect(address, origin == null ? Map.of() : Map.of("Origin", origin));
    }

    /** Connects with these headers on the upgrade request, and waits for the handshake. */
    static WsTestClient connect(InetSocketAddress address, Map<String, String> headers) throws InterruptedException {
        WsTestClient client = new WsTestClient(address, headers);
        await().atMost(TestServer.PATIENCE).until(() -> client.handshaker.isHandshakeComplete()
                || !client.channel.isActive());
        if (!client.handshaker.isHandshakeComplete()) {
            client.close();
            throw new IllegalStateException("the WebSocket handshake failed");
        }
        return client;
    }

    void send(String json) {
        channel.writeAndFlush(new TextWebSocketFrame(json)).syncUninterruptibly();
    }

    void sendBinary(byte[] bytes) {
        channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes))).syncUninterruptibly();
    }

    /** The next message, as JSON; {@link #CLOSED} when the connection has ended. */
    JsonNode next() throws InterruptedException {
        String text = received.poll(TestServer.PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        if (text == null) {
            throw new AssertionError("nothing received within " + TestServer.PATIENCE);
        }
        return JSON.readTree(text);
    }

    /** The next message whose type is {@code type}, skipping others. */
    JsonNode next(String type) throws InterruptedException {
        for (JsonNode message = next(); ; message = next()) {
            if (message.get("type").asString().equals(type)) {
                return message;
            }
            if (message.toString().equals(CLOSED)) {
                throw new AssertionError("closed before a " + type + " message");
            }
        }
    }

    Channel channel() {
        return channel;
    }

    @Override
    public void close() {
        if (channel.isActive()) {
            channel.writeAndFlush(new CloseWebSocketFrame()).awaitUninterruptibly();
        }
        channel.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
