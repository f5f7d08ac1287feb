package dev.fanout.protocol.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated bodies: the decoder either decodes them or fails with a ControlProtocolException, never
 * with an IndexOutOfBoundsException or any other exception. Seeded, so a failure repeats.
 */
class ControlDecodeFuzzTest {

    @Test
    void decode_randomBodies_failOnlyWithControlProtocolException() {
        Random random = new Random(20_240_611L);
        FrameType[] types = FrameType.values();
        int decoded = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] body = new byte[random.nextInt(48)];
            random.nextBytes(body);
            if (body.length > 0 && random.nextInt(10) > 0) {
                body[0] = (byte) types[random.nextInt(types.length)].code();
            }
            decoded += decodesOrFailsCleanly(body) ? 1 : 0;
        }
        assertThat(decoded).as("some random bodies are valid frames").isPositive();
    }

    @Test
    void decode_mutatedValidBodies_failOnlyWithControlProtocolException() {
        Random random = new Random(7L);
        List<ControlFrame> samples = Samples.all();
        int tried = 0;
        for (ControlFrame sample : samples) {
            byte[] body = Samples.body(sample);
            for (int i = 0; i < 1_000; i++) {
                byte[] mutated = body.clone();
                for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                    mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
                }
                decodesOrFailsCleanly(mutated);
                tried++;
            }
        }
        assertThat(tried).isEqualTo(samples.size() * 1_000);
        Samples.releaseAll(samples);
    }

    /** True if {@code body} decoded; fails the test on any exception but a ControlProtocolException. */
    private static boolean decodesOrFailsCleanly(byte[] body) {
        try {
            Samples.decode(body).release();
            return true;
        } catch (ControlProtocolException expected) {
            assertThat(expected.getMessage()).isNotBlank();
            return false;
        }
    }

}
