package dev.fanout.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ServerCpuTest {

    @Test
    void total_addsUp_butIsUnknownWhenAnyIsOrNoneWasGiven() {
        assertThat(ServerCpu.total(List.of(60.0, 30.5, 10.0))).isEqualTo(100.5);
        assertThat(ServerCpu.total(List.of(60.0, -1.0))).isEqualTo(-1);
        assertThat(ServerCpu.total(List.of())).isEqualTo(-1);
    }

    @Test
    void percents_oneForEachProcess_inTheOrderGiven_unknownForOneThatDoesNotExist() {
        long self = ProcessHandle.current().pid();
        long gone = Long.MAX_VALUE;
        ServerCpu cpu = new ServerCpu(List.of(self, gone, self));
        cpu.start();
        List<Double> percents = cpu.percents(1_000_000_000L);
        assertThat(percents).hasSize(3);
        assertThat(percents.get(0)).isNotNegative();
        assertThat(percents.get(1)).isEqualTo(-1.0);
        assertThat(percents.get(2)).isNotNegative();
        assertThat(ServerCpu.total(percents)).isEqualTo(-1);
    }
}
