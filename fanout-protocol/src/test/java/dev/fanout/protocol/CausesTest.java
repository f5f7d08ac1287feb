package dev.fanout.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.concurrent.CompletionException;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;

class CausesTest {

    @Test
    void aCauseOfAType_isFoundAnywhereInTheChain() {
        Throwable failure = new IllegalStateException("outer", new IOException("middle", new SSLException("inner")));

        assertThat(Causes.has(failure, SSLException.class)).isTrue();
        assertThat(Causes.has(failure, IOException.class)).isTrue();
        assertThat(Causes.has(failure, OutOfMemoryError.class)).isFalse();
        assertThat(Causes.root(failure)).hasMessage("inner");
    }

    @Test
    void aChainThatLoopsBack_endsAtTheDepthLimit() {
        IllegalStateException a = new IllegalStateException("a");
        IllegalStateException b = new IllegalStateException("b", a);
        a.initCause(b);

        assertThat(Causes.has(a, IOException.class)).isFalse();
        assertThat(Causes.root(a)).isIn(a, b);
    }

    @Test
    void aStagesWrapping_isTakenOff() {
        IOException cause = new IOException("gone");

        assertThat(Causes.unwrapped(new CompletionException(cause))).isSameAs(cause);
        assertThat(Causes.unwrapped(cause)).isSameAs(cause);
    }
}
