package dev.airlock.cli;

import dev.airlock.core.store.sql.SqliteStateStore;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * A command that works through a running server's admin API ({@code --server}) or, on the
 * server's machine, straight on its data directory; maps failures to exit codes (1 failed, 2 bad
 * usage) with one line on standard error, never a stack trace.
 */
abstract class StoreOrServer implements Callable<Integer> {

    @CommandLine.Mixin
    Remote.Options server;

    @CommandLine.Mixin
    QuarantineCommand.DataOptionsMixin where;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    abstract int remote(Remote api, PrintWriter out, PrintWriter err) throws Exception;

    abstract int local(SqliteStateStore store, PrintWriter out, PrintWriter err) throws Exception;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        try {
            if (server.remote()) {
                return remote(server.connect(), out, err);
            }
            Path data = where.options.resolve();
            if (!Files.isRegularFile(data.resolve("state.db"))) {
                err.println("airlock: no Airlock data in " + data.toAbsolutePath() + " (use --server URL, --data DIR or --config FILE)");
                return 1;
            }
            try (SqliteStateStore store = SqliteStateStore.openExisting(data)) {
                return local(store, out, err);
            }
        } catch (Remote.Failed f) {
            err.println("airlock: " + f.getMessage());
            return f.code;
        } catch (IllegalArgumentException e) {
            err.println("airlock: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            err.println("airlock: " + e.getMessage());
            return 1;
        }
    }
}
