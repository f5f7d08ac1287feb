package dev.fanout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fanout.server.FanoutServer;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, C: when direct memory was exhausted the server closed innocent clients as server errors and limped
 * on with stalled event loops. {@code -XX:+ExitOnOutOfMemoryError} covers only the heap, so running out of
 * direct memory while serving now ends the process with a documented exit code. The bounds make this need a
 * JVM given less memory than they allow, as here: 16 MiB of direct memory, bounds raised far above it.
 */
class OutOfMemoryExitTest {

    @Test
    void directMemoryExhaustedByFramesInAssembly_exitsWithTheDocumentedCode() throws Exception {
        try (CliProcess serve = CliProcess.startWithJvmOptions(
                List.of("-XX:MaxDirectMemorySize=16m", "-Dio.netty.allocator.type=unpooled"),
                "serve", "--host", "127.0.0.1", "--port", "0", "--lines-port", "0", "--http-port", "0", "--no-console",
                "--total-inbound-bytes", "1GiB", "--max-frame", "8MiB", "--queue-bytes", "8MiB",
                "--publish-backlog", "64MiB")) {
            String listening = serve.awaitStderr(line -> line.contains("frames listener on"));
            int port = Integer.parseInt(listening.replaceAll(".*127\\.0\\.0\\.1:(\\d+).*", "$1"));
            serve.awaitStderr(line -> line.contains("ready"));

            List<Socket> hogs = new ArrayList<>();
            try {
                // Each announces an 8 MiB frame and sends part of it: the server assembles each in a buffer of
                // 8 MiB, and the third cannot have one.
                for (int i = 0; i < 4; i++) {
                    Socket hog = new Socket("127.0.0.1", port);
                    hogs.add(hog);
                    OutputStream out = hog.getOutputStream();
                    out.write(ByteBuffer.allocate(4 + 1024).putInt(8 * 1024 * 1024).array());
                    out.flush();
                }
                assertThat(serve.awaitExit()).isEqualTo(FanoutServer.EXIT_OUT_OF_MEMORY).isEqualTo(12);
            } finally {
                for (Socket hog : hogs) {
                    hog.close();
                }
            }
            assertThat(serve.stderr()).anyMatch(line -> line.contains("out of memory while serving clients")
                    && line.contains("exiting with code 12"));
        }
    }
}
