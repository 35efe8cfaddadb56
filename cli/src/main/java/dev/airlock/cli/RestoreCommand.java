package dev.airlock.cli;

import dev.airlock.core.backup.Backup;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code restore FILE --data DIR}: a backup into an empty data directory, every blob and the audit chain checked. */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = "Restore a backup into an empty data directory and check every file and the audit chain.")
final class RestoreCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "A file written by airlock backup.")
    Path backup;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "The data directory to restore into (absent or empty).")
    Path data;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        try {
            Backup.Restored r = Backup.restore(backup, data);
            spec.commandLine().getOut().println("restored " + backup + " into " + data + ": the state (schema " + r.schemaVersion() + "), "
                    + r.files() + " files and " + r.documents() + " metadata documents, each checked; the audit chain of "
                    + r.auditEntries() + " entries verifies");
            return 0;
        } catch (Exception e) {
            err.println("airlock: restore failed: " + e.getMessage());
            return 1;
        }
    }
}
