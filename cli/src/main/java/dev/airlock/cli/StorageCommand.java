package dev.airlock.cli;

import dev.airlock.config.ConfigException;
import dev.airlock.config.ConfigLoader;
import dev.airlock.config.StorageConfig;
import dev.airlock.core.store.StorageProvider;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;

/** {@code storage migrate}: moving a single-node store to the storage replicas share. */
@Command(name = "storage", mixinStandardHelpOptions = true, description = "Move Airlock's stored data.",
        subcommands = {StorageCommand.Migrate.class})
final class StorageCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    @Command(name = "migrate", mixinStandardHelpOptions = true, description = {
            "Copy a single-node store (SQLite and files under --data) into the PostgreSQL and S3 that --config names, then check the copy.",
            "Stop the server on --data first. The target database must be empty."})
    static final class Migrate implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--data", required = true, paramLabel = "DIR", description = "The single-node data directory to copy.")
        Path data;

        @Option(names = "--config", required = true, paramLabel = "FILE",
                description = "The replicas' configuration: storage.state.postgres and storage.blobs.s3 are the target.")
        Path config;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            StorageConfig target;
            try {
                target = ConfigLoader.load(config).storage();
            } catch (ConfigException e) {
                err.println("airlock: " + e.getMessage());
                return 2;
            }
            if (target.postgres() == null || target.s3() == null) {
                err.println("airlock: " + config + " must set storage.state.postgres and storage.blobs.s3 (the copy's target)");
                return 2;
            }
            for (StorageProvider p : ServiceLoader.load(StorageProvider.class)) {
                if (p.handles(target)) {
                    try {
                        StorageProvider.CopyReport r = p.copyFrom(data, target, Clock.systemUTC(), line -> {
                            out.println(line);
                            out.flush();
                        });
                        out.println("copied " + r.rowsByTable().values().stream().mapToLong(Long::longValue).sum() + " rows in "
                                + r.rowsByTable().size() + " tables, " + r.blobs() + " files and " + r.documents()
                                + " metadata documents; the copy checks out");
                        return 0;
                    } catch (RuntimeException e) {
                        err.println("airlock: " + e.getMessage());
                        return 1;
                    }
                }
            }
            err.println("airlock: this build has no storage provider for " + config + " (the airlock-scaleout module is missing)");
            return 1;
        }
    }
}
