package dev.airlock.core.store.sql;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Owner-only modes for what holds secrets or the record of decisions (the state database, its
 * WAL, the data directory): 0600 for files, 0700 for directories, whatever the umask. On a file
 * system without POSIX modes nothing is changed.
 */
final class OwnerOnly {

    private OwnerOnly() {
    }

    /** Creates the directory (and its parents) if needed, and makes it 0700. */
    static void directory(Path dir) throws IOException {
        Files.createDirectories(dir);
        set(dir, "rwx------");
    }

    /** Creates the file empty if absent, and makes it 0600. */
    static void file(Path file) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException exists) {
            // an existing store keeps its content; its mode is corrected below
        } catch (UnsupportedOperationException notPosix) {
            if (!Files.exists(file)) {
                Files.createFile(file);
            }
        }
        set(file, "rw-------");
    }

    private static void set(Path p, String mode) throws IOException {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
        } catch (UnsupportedOperationException notPosix) {
            // no POSIX modes on this file system
        }
    }
}
