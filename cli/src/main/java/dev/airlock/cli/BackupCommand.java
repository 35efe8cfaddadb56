package dev.airlock.cli;

import dev.airlock.config.AirlockConfig;
import dev.airlock.config.ConfigException;
import dev.airlock.config.ConfigLoader;
import dev.airlock.core.backup.Backup;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;

/**
 * {@code backup --out FILE}: a consistent snapshot of a single node's data while its server runs
 * (the state through SQLite's online backup, and every file and document it names).
 */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = "Write a consistent backup of a single node's data (the server may be running).")
final class BackupCommand implements Callable<Integer> {

    @CommandLine.Mixin
    QuarantineCommand.DataOptionsMixin where;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The backup file to write (a zip, owner-only).")
    Path out;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        try {
            AirlockConfig c = where.options.config == null ? ConfigLoader.defaults() : ConfigLoader.load(where.options.config);
            if (where.options.data == null && (c.storage().postgres() != null || c.storage().s3() != null)) {
                err.println("airlock: with PostgreSQL and S3, back up the database (pg_dump) and the bucket (versioning): see docs/HA.md");
                return 2;
            }
            Backup.Summary s = Backup.write(where.options.resolve(), out, Clock.systemUTC());
            spec.commandLine().getOut().println("wrote " + out + ": the state (schema " + s.schemaVersion() + "), " + s.files()
                    + " files (" + s.bytes() + " bytes), " + s.documents() + " metadata documents"
                    + (s.absent() > 0 ? "; " + s.absent() + " indexed files were not on disk (evicted) and are fetched again when asked for" : ""));
            return 0;
        } catch (ConfigException e) {
            err.println("airlock: invalid configuration: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            err.println("airlock: backup failed: " + e.getMessage());
            return 1;
        }
    }
}
