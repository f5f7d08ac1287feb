package dev.fanout.cli;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * Handles SIGINT and SIGTERM in the program rather than in the JVM's shutdown sequence, so that a second
 * signal can end a shutdown that takes too long. Uses {@code sun.misc.Signal} (module jdk.unsupported)
 * through reflection: referring to it directly draws a warning that no annotation can silence, and the
 * build treats warnings as errors.
 */
final class SignalTrap {

    private SignalTrap() {
    }

    /** Calls {@code handler} on each {@code signal} ({@code INT}, {@code TERM}); false if it cannot be trapped. */
    static boolean install(String signal, Runnable handler) {
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Object trapped = signalClass.getConstructor(String.class).newInstance(signal);
            Object proxy = Proxy.newProxyInstance(SignalTrap.class.getClassLoader(), new Class<?>[] {handlerClass},
                    (self, method, args) -> invoke(self, method, args, handler));
            signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, trapped, proxy);
            return true;
        } catch (ReflectiveOperationException | IllegalArgumentException | LinkageError e) {
            return false;
        }
    }

    private static Object invoke(Object self, Method method, Object[] args, Runnable handler) {
        switch (method.getName()) {
            case "handle" -> {
                handler.run();
                return null;
            }
            case "equals" -> {
                return self == args[0];
            }
            case "hashCode" -> {
                return System.identityHashCode(self);
            }
            default -> {
                return "SignalTrap";
            }
        }
    }
}
