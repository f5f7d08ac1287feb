package dev.fanout.server;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.Errors;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;

/**
 * Netty's epoll I/O handler, with a repair for connections that leave the epoll set and need to come back.
 *
 * <p>Works around a defect in Netty 4.2 (seen in 4.2.18 and 4.2.20): when a connection's interest ops become
 * empty, {@code EpollIoHandler} removes its descriptor from the epoll set ({@code EPOLL_CTL_DEL}) but keeps its
 * registration marked as added, so the next interest (waiting to write, {@code EPOLLOUT}) is asked with
 * {@code EPOLL_CTL_MOD}, which fails with ENOENT, and Netty shuts the connection's output. A half-closed
 * connection reaches empty ops (no more reading, and its read-hangup seen), so the README's own client, which
 * shuts down its sending side and only reads, lost its stream the second time its socket filled. On exactly that
 * failure this marks the registration as not yet added, as Netty's own code does before the first add, and asks
 * again, which adds the descriptor back. Remove it once Netty does this itself.
 */
final class ReAddingEpollIoHandler implements IoHandler {

    private static final int ENOENT = 2;

    private final IoHandler epoll;

    private ReAddingEpollIoHandler(IoHandler epoll) {
        this.epoll = epoll;
    }

    /** A factory of epoll handlers with the repair. */
    static IoHandlerFactory newFactory() {
        IoHandlerFactory epoll = EpollIoHandler.newFactory();
        return executor -> new ReAddingEpollIoHandler(epoll.newHandler(executor));
    }

    @Override
    public void initialize() {
        epoll.initialize();
    }

    @Override
    public int run(IoHandlerContext context) {
        return epoll.run(context);
    }

    @Override
    public void prepareToDestroy() {
        epoll.prepareToDestroy();
    }

    @Override
    public void destroy() {
        epoll.destroy();
    }

    @Override
    public IoRegistration register(IoHandle handle) throws Exception {
        return new ReAdding(epoll.register(handle));
    }

    @Override
    public void wakeup() {
        epoll.wakeup();
    }

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) {
        return epoll.isCompatible(handleType);
    }

    /** A registration that, when Netty deleted its descriptor and then fails to modify it, adds it back. */
    private record ReAdding(IoRegistration registration) implements IoRegistration {

        @Override
        public <T> T attachment() {
            return registration.attachment();
        }

        @Override
        public long submit(IoOps ops) {
            try {
                return registration.submit(ops);
            } catch (UncheckedIOException e) {
                if (!(e.getCause() instanceof Errors.NativeIoException error) || error.expectedErr() != -ENOENT
                        || !markNotAdded(registration)) {
                    throw e;
                }
                return registration.submit(ops);
            }
        }

        @Override
        public boolean isValid() {
            return registration.isValid();
        }

        @Override
        public boolean cancel() {
            return registration.cancel();
        }

        /** Sets Netty's registration state back to {@code Pending}; false if this Netty has no such field. */
        @SuppressWarnings({"unchecked", "rawtypes"})
        private static boolean markNotAdded(IoRegistration registration) {
            try {
                Field state = registration.getClass().getDeclaredField("state");
                state.setAccessible(true);
                synchronized (registration) {
                    state.set(registration, Enum.valueOf((Class<? extends Enum>) state.getType(), "Pending"));
                }
                return true;
            } catch (ReflectiveOperationException | RuntimeException e) {
                return false;
            }
        }
    }
}
