package dev.fanout.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fanout.server.testing.LineClient;
import dev.fanout.server.testing.RawClient;
import dev.fanout.server.testing.TestServer;
import java.io.DataInputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FanOutIntegrationTest {

    private final TestServer server = TestServer.start();

    @AfterEach
    void tearDown() {
        server.close();
    }

    @Test
    void rawClients_twoHundredEachReceiveTenThousandInOrder_noneLostOrDuplicated() throws Exception {
        int clients = 200;
        int messages = 10_000;
        List<RawClient> subscribers = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            subscribers.add(server.track(RawClient.connect(server.frames())));
        }
        RawClient publisher = server.track(RawClient.connect(server.frames()));
        server.awaitSessions(clients + 1);

        ExecutorService readers = Executors.newFixedThreadPool(clients);
        try {
            List<Future<Integer>> received = new ArrayList<>();
            for (RawClient subscriber : subscribers) {
                received.add(readers.submit(() -> readSequence(subscriber, messages)));
            }
            for (int i = 0; i < messages; i++) {
                publisher.send(ByteBuffer.allocate(4).putInt(i).array());
            }
            for (Future<Integer> count : received) {
                assertThat(count.get()).isEqualTo(messages);
            }
        } finally {
            readers.shutdownNow();
        }
        assertThat(server.server().hub().stats().published()).isEqualTo(messages);
        await().until(() -> server.server().hub().stats().handedOver() == (long) messages * clients);
        assertThat(server.server().hub().find("lobby").lastSequence()).isEqualTo(messages);
    }

    /** Reads {@code messages} frames and checks each holds the next number: in order, none lost or repeated. */
    private static int readSequence(RawClient client, int messages) throws Exception {
        for (int expected = 0; expected < messages; expected++) {
            byte[] payload = client.read();
            assertThat(payload).as("frame %d", expected).hasSize(4);
            assertThat(ByteBuffer.wrap(payload).getInt()).as("frame %d", expected).isEqualTo(expected);
        }
        return messages;
    }

    @Test
    void rawClient_tutorialStyleHalfClosedReader_receivesEveryFrameUnchanged() throws Exception {
        // The client from the tutorials: connect, shut down the sending side, read 4 bytes, read N, repeat.
        Socket tutorial = server.track(new Socket(server.frames().getAddress(), server.frames().getPort()));
        tutorial.shutdownOutput();
        server.awaitSessions(1);
        RawClient publisher = server.rawClient();
        byte[] binary = {0, 1, 2, (byte) 0xff, '\n', 0};
        publisher.send("first");
        publisher.send(binary);
        publisher.send(new byte[0]);

        DataInputStream in = new DataInputStream(tutorial.getInputStream());
        List<byte[]> got = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int length = in.readInt();
            byte[] payload = new byte[length];
            in.readFully(payload);
            got.add(payload);
        }
        assertThat(got.get(0)).asString().isEqualTo("first");
        assertThat(got.get(1)).isEqualTo(binary);
        assertThat(got.get(2)).isEmpty();
    }

    @Test
    void rawClient_doesNotReceiveItsOwnMessages() throws Exception {
        RawClient alice = server.rawClient();
        RawClient bob = server.rawClient();
        alice.send("from alice");
        bob.send("from bob");
        assertThat(alice.readText()).isEqualTo("from bob");
        assertThat(bob.readText()).isEqualTo("from alice");
    }

    @Test
    void defaultTopic_isSharedAcrossProtocols() throws Exception {
        RawClient raw = server.rawClient();
        LineClient person = server.lineClient();
        person.send("hello from telnet");
        assertThat(raw.readText()).isEqualTo("hello from telnet");

        raw.send("hello from a program");
        person.awaitLine("client-1: hello from a program");
        raw.send(new byte[] {0x00, (byte) 0xc3, 0x28});
        person.awaitLine("client-1: [binary, 3 bytes: 00 c3 28]");
        raw.send("two\nlines\u001b[2J");
        person.awaitLine("client-1: two\\nlines\\x1b[2J");
    }

    @Test
    void publisher_thatHalfClosesAfterPublishing_isClosedOnceItsFramesAreIn() throws Exception {
        RawClient reader = server.rawClient();
        RawClient publisher = server.rawClient();
        for (int i = 0; i < 100; i++) {
            publisher.send("m" + i);
        }
        publisher.socket().shutdownOutput();
        // A clean end of stream tells the publisher every frame was taken.
        assertThat(publisher.read()).isNull();
        for (int i = 0; i < 100; i++) {
            assertThat(reader.readText()).isEqualTo("m" + i);
        }
    }
}
