package dev.fanout.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SourceSpecTest {

    @Test
    void stdin_withAndWithoutATopic() {
        assertThat(SourceSpec.parse("stdin")).isEqualTo(new SourceSpec(null, SourceSpec.Kind.STDIN, "stdin", null));
        assertThat(SourceSpec.parse("logs=stdin?format=frames"))
                .isEqualTo(new SourceSpec("logs", SourceSpec.Kind.STDIN, "stdin", "frames"));
    }

    @Test
    void tcp_namesTopicHostPortAndFormat() {
        SourceSpec spec = SourceSpec.parse("prices=tcp://feed.example:9000?format=FRAMES");

        assertThat(spec.topic()).isEqualTo("prices");
        assertThat(spec.kind()).isEqualTo(SourceSpec.Kind.TCP);
        assertThat(spec.uri().getHost()).isEqualTo("feed.example");
        assertThat(spec.uri().getPort()).isEqualTo(9000);
        assertThat(spec.format()).isEqualTo("frames");
    }

    @Test
    void anEqualsSignInsideTheSource_isNotATopic() {
        assertThat(SourceSpec.parse("exec:env A=1 ./feed").topic()).isNull();
        assertThat(SourceSpec.parse("exec:env A=1 ./feed").target()).isEqualTo("env A=1 ./feed");
        assertThat(SourceSpec.parse("https://api.example/stream?key=abc").topic()).isNull();
        assertThat(SourceSpec.parse("chat:room-1=https://api.example/stream?key=abc").topic())
                .isEqualTo("chat:room-1");
    }

    @Test
    void exec_keepsItsCommand_andTakesOnlyATrailingFormat() {
        SourceSpec spec = SourceSpec.parse("exec:curl -s 'http://h/x?a=b'?format=frames");

        assertThat(spec.kind()).isEqualTo(SourceSpec.Kind.EXEC);
        assertThat(spec.target()).isEqualTo("curl -s 'http://h/x?a=b'");
        assertThat(spec.format()).isEqualTo("frames");
    }

    @Test
    void http_andFanout() {
        assertThat(SourceSpec.parse("https://stream.example/sse").kind()).isEqualTo(SourceSpec.Kind.HTTP);
        SourceSpec relay = SourceSpec.parse("fanout://10.0.0.1:7070/prices.>");
        assertThat(relay.kind()).isEqualTo(SourceSpec.Kind.FANOUT);
        assertThat(relay.topic()).isNull();
        assertThat(relay.relayFilter()).isEqualTo("prices.>");
        assertThat(relay.uri().getHost()).isEqualTo("10.0.0.1");
        assertThat(relay.uri().getPort()).isEqualTo(7070);
    }

    @Test
    void mistakes_areExplained() {
        assertThatThrownBy(() -> SourceSpec.parse("udp://h:1")).hasMessageContaining("unknown source")
                .hasMessageContaining("tcp://HOST:PORT");
        assertThatThrownBy(() -> SourceSpec.parse("tcp://feed.example")).hasMessageContaining("no port");
        assertThatThrownBy(() -> SourceSpec.parse("exec:")).hasMessageContaining("needs a command");
        assertThatThrownBy(() -> SourceSpec.parse("bad..topic=stdin")).hasMessageContaining("not a topic name");
        assertThatThrownBy(() -> SourceSpec.parse("fanout://h:7070")).hasMessageContaining("fanout://10.0.0.1:7070/>");
        assertThatThrownBy(() -> SourceSpec.parse("prices=fanout://h:7070/prices"))
                .hasMessageContaining("keeps its upstream's topic names");
    }
}
