package dev.fanout.store.redis;

/** Redis cannot be reached: the server does not start, and says where it looked and what to check. */
public final class RedisUnavailableException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    RedisUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
