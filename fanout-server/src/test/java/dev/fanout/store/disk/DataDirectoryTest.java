package dev.fanout.store.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A data directory that cannot be used is refused at once, saying why and what to do. */
class DataDirectoryTest {

    @TempDir
    Path dir;

    @Test
    void aSecondServerOnTheDirectory_isRefused_namingTheHolder() {
        try (DiskStores stores = new DiskStores(dir)) {
            stores.open();
            assertThatThrownBy(stores::open).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("is in use by another fanout server (pid " + ProcessHandle.current().pid())
                    .hasMessageContaining("--data-dir");
        }
    }

    @Test
    void aDirectoryOfANewerFormat_isRefused() throws IOException {
        Files.writeString(dir.resolve(DataDirectory.MANIFEST), "format=2\nfirst=1\nbase=false\n");
        try (DiskStores stores = new DiskStores(dir)) {
            assertThatThrownBy(stores::open).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("is in format 2, which this version of fanout (format 1) cannot read")
                    .hasMessageContaining("newer");
        }
        try (DiskStores stores = new DiskStores(dir)) {
            Files.writeString(dir.resolve(DataDirectory.MANIFEST), "format=x\n");
            assertThatThrownBy(stores::open).hasMessageContaining("cannot read (format 'x')");
        }
    }

    @Test
    void aDirectoryOfOtherFiles_isRefused_ratherThanWrittenInto() throws IOException {
        Files.writeString(dir.resolve("notes.txt"), "mine");
        try (DiskStores stores = new DiskStores(dir)) {
            assertThatThrownBy(stores::open).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("holds other files (notes.txt)")
                    .hasMessageContaining("not a fanout data directory");
        }
    }

    @Test
    void aPathThatIsAFile_isRefused() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");
        try (DiskStores stores = new DiskStores(file.resolve("data"))) {
            assertThatThrownBy(stores::open).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot be made");
        }
    }

    @Test
    void anUnwritableDirectory_isRefused() throws Exception {
        Path locked = Files.createDirectory(dir.resolve("locked"));
        Unwritable.make(locked);
        try (DiskStores stores = new DiskStores(locked)) {
            assertThatThrownBy(stores::open).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("data directory " + locked)
                    .hasMessageMatching("(?s).*(is not writable by this user|cannot be written: operation not "
                            + "permitted).*--data-dir.*");
        } finally {
            Unwritable.undo(locked);
        }
    }

    @Test
    void aNewDirectory_isMade_andHoldsAManifestOfThisFormat() throws IOException {
        Path fresh = dir.resolve("a/b");
        try (DiskStores stores = new DiskStores(fresh)) {
            stores.open();
            assertThat(Files.readString(fresh.resolve(DataDirectory.MANIFEST))).contains("format=1");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh))).startsWith("rwx");
    }
}
