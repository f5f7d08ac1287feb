package dev.fanout.server.auth;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Any file as the auth file: it is read, or refused with an IllegalArgumentException that names the file; no other
 * exception stops the server's start with a stack trace instead of a message. ./fuzz searches; the kept inputs in
 * AuthFileFuzzTestInputs run with the tests.
 */
class AuthFileFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void anyFile_isReadOrRefusedWithAMessage(byte[] text) {
        Path file;
        try {
            file = Files.createTempFile("fanout-auth-fuzz", ".toml");
            Files.write(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            AuthFile.read(file);
        } catch (IllegalArgumentException e) {
            if (e.getMessage() == null || !e.getMessage().contains(file.toString())) {
                throw new AssertionError("a refusal that does not name the file: " + e.getMessage(), e);
            }
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
