package dev.fanout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The JVM flags the {@code ./fanout} launcher gives {@code serve} (docs/performance.md says why these): it
 * prints them for the java this test runs on, and that java accepts them. CI runs this on JDK 17 and 25.
 */
class LauncherFlagsTest {

    private static final Path LAUNCHER = Path.of("..", "fanout");
    private static final String JAVA_HOME = System.getProperty("java.home");

    @Test
    void serveGetsG1AndExitOnOutOfMemory() throws Exception {
        assertThat(printedFlags("serve")).containsExactly("-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError");
    }

    @Test
    void clientCommandsGetNone() throws Exception {
        assertThat(printedFlags("sub")).isEmpty();
        assertThat(printedFlags("bench")).isEmpty();
    }

    @Test
    void thisJavaAcceptsTheServeFlags() throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(JAVA_HOME, "bin", "java").toString()));
        command.addAll(printedFlags("serve"));
        command.add("-version");
        Process java = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(java.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(java.exitValue()).as(output).isZero();
    }

    private static List<String> printedFlags(String command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("bash", LAUNCHER.toString(), "--print-jvm-flags", command);
        builder.environment().put("JAVA_HOME", JAVA_HOME);
        Process launcher = builder.redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String output = new String(launcher.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(launcher.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(launcher.exitValue()).isZero();
        return output.isEmpty() ? List.of() : List.of(output.split("\\s+"));
    }
}
