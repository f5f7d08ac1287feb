package dev.fanout.hub;

/** Makes {@link SharedBytes} for tests outside the hub, which cannot call its constructor. */
public final class SharedBytesFixture {

    private SharedBytesFixture() {
    }

    /** Shared bytes of {@code size} that nothing holds yet, as a new batch's are. */
    public static SharedBytes of(int size) {
        return new SharedBytes(size);
    }
}
