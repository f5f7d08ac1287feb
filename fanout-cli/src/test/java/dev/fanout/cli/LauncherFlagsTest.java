package dev.fanout.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The JVM flags the {@code ./fanout} launcher gives {@code serve} (docs/performance.md says why these), and that
 * the java running this test accepts them, alone and beside a collector the user names. CI runs it on JDK 17
 * and 25.
 */
class LauncherFlagsTest {

    private static final Path LAUNCHER = Path.of("..", "fanout");
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    @Test
    void serve_getsG1AndExitOnOutOfMemory() throws Exception {
        assertThat(printedFlags("serve", Map.of())).containsExactly("-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError");
    }

    @Test
    void clientCommands_getNone() throws Exception {
        assertThat(printedFlags("sub", Map.of())).isEmpty();
        assertThat(printedFlags("bench", Map.of())).isEmpty();
    }

    @Test
    void collectorInFanoutJavaOpts_replacesG1() throws Exception {
        List<String> flags = printedFlags("serve", Map.of("FANOUT_JAVA_OPTS", "-Xmx256m -XX:+UseParallelGC"));

        assertThat(flags).containsExactly("-XX:+ExitOnOutOfMemoryError");
        assertThat(javaAccepts(flags, "-XX:+UseParallelGC")).isZero();
    }

    @Test
    void thisJava_acceptsTheServeFlags() throws Exception {
        assertThat(javaAccepts(printedFlags("serve", Map.of()))).isZero();
    }

    /** Runs {@code java FLAGS MORE -version} and returns its exit status. */
    private static int javaAccepts(List<String> flags, String... more) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(JAVA));
        command.addAll(flags);
        command.addAll(List.of(more));
        command.add("-version");
        Process java = new ProcessBuilder(command).redirectErrorStream(true).start();
        java.getInputStream().readAllBytes();
        return java.waitFor();
    }

    private static List<String> printedFlags(String command, Map<String, String> env)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("bash", LAUNCHER.toString(), "--print-jvm-flags", command);
        builder.environment().remove("FANOUT_JAVA_OPTS");
        builder.environment().putAll(env);
        Process launcher = builder.redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String output = new String(launcher.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(launcher.waitFor()).isZero();
        return output.isEmpty() ? List.of() : List.of(output.split("\\s+"));
    }
}
