package dev.fanout.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlacementTest {

    @Test
    void address_parsesPortHostPortAndBracketedIpv6() {
        assertThat(Address.parse("7080", "10.0.0.1")).isEqualTo(new Address("10.0.0.1", 7080));
        assertThat(Address.parse("node-2:7090", "127.0.0.1")).isEqualTo(new Address("node-2", 7090));
        assertThat(Address.parse("[::1]:7070", "127.0.0.1")).isEqualTo(new Address("::1", 7070));
        assertThat(new Address("::1", 7070)).hasToString("[::1]:7070");
        assertThat(Address.parseList("7070, 127.0.0.2:7080", "127.0.0.1"))
                .containsExactly(new Address("127.0.0.1", 7070), new Address("127.0.0.2", 7080));
    }

    @Test
    void address_notAnAddress_isRefusedWithAnExample() {
        for (String wrong : List.of("", "host", "host:", "::1:7070", "h:0", "h:65536", "7070,")) {
            assertThatThrownBy(() -> Address.parseList(wrong, "127.0.0.1")).as(wrong)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageEndingWith("is not [HOST:]PORT: write e.g. 7070, 127.0.0.1:7070 or [::1]:7070");
        }
    }

    @Test
    void connections_goRoundRobin_subscribersAndPublishersEachOverTheirOwnList() {
        Address a = new Address("127.0.0.1", 1);
        Address b = new Address("127.0.0.1", 2);
        Address c = new Address("127.0.0.1", 3);
        Placement placement = new Placement(List.of(a, b), List.of(c));
        assertThat(List.of(0, 1, 2, 3, 4).stream().map(placement::subscriber).toList())
                .containsExactly(a, b, a, b, a);
        assertThat(List.of(0, 1, 2).stream().map(placement::publisher).toList()).containsExactly(c, c, c);
        assertThat(placement.spread()).isTrue();
        assertThat(placement.describe())
                .isEqualTo("subscribers on 127.0.0.1:1, 127.0.0.1:2; publishers on 127.0.0.1:3");
    }

    @Test
    void single_isNotSpread_andDescribesItsOneServer() {
        Placement single = Placement.single("127.0.0.1", 7070);
        assertThat(single.spread()).isFalse();
        assertThat(single.describe()).isEqualTo("127.0.0.1:7070");
        assertThat(new Placement(List.of(new Address("h", 1)), List.of(new Address("h", 1))).spread()).isFalse();
    }

    @Test
    void emptyLists_areRefused() {
        Address a = new Address("127.0.0.1", 1);
        assertThatThrownBy(() -> new Placement(List.of(), List.of(a))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("subscribeTo must name at least one server");
        assertThatThrownBy(() -> new Placement(List.of(a), List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("publishTo must name at least one server");
    }

    @Test
    void options_withoutAPlacement_putEveryoneOnHostAndPort() {
        BenchOptions options = new BenchOptions(Target.FANOUT, "127.0.0.1", 7070, Shape.FAN_OUT, 1, 2, 16, 10,
                Duration.ZERO, 0, "bench", 1, Duration.ofSeconds(1), 0, 0, 0,
                Duration.ZERO, 0);
        assertThat(options.placement()).isEqualTo(Placement.single("127.0.0.1", 7070));
        assertThat(options.serverPids()).isEmpty();
        Placement spread = new Placement(List.of(new Address("127.0.0.1", 1)), List.of(new Address("127.0.0.1", 2)));
        assertThat(options.withPlacement(spread).placement()).isEqualTo(spread);
        assertThat(options.withPlacement(spread).subscribers()).isEqualTo(2);
    }
}
