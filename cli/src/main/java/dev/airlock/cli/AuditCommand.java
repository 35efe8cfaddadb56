package dev.airlock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.core.admin.AuditLog;
import dev.airlock.core.store.sql.SqliteStateStore;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code audit verify|export}: walks the audit log's hash chain (exit 1 naming the first broken
 * entry) or writes it as JSON lines, through a running server or in the data directory.
 */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Check or export the audit log.",
        subcommands = {AuditCommand.Verify.class, AuditCommand.Export.class})
final class AuditCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    /** The same action through a server or on the data directory, with the audit log. */
    abstract static class Action extends StoreOrServer {
        abstract int local(AuditLog log, PrintWriter out, PrintWriter err) throws Exception;

        @Override
        int local(SqliteStateStore store, PrintWriter out, PrintWriter err) throws Exception {
            return local(new AuditLog(store), out, err);
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true, description = "Walk the hash chain end to end; exit 1 at the first broken entry.")
    static final class Verify extends Action {
        @Override
        int remote(Remote api, PrintWriter out, PrintWriter err) {
            JsonNode v = api.get("audit/verify");
            return report(v.path("ok").asBoolean(), v.path("entries").asLong(), v.path("brokenAt").asLong(), v.path("why").asText(), out, err);
        }

        @Override
        int local(AuditLog log, PrintWriter out, PrintWriter err) {
            AuditLog.Verification v = log.verify();
            return report(v.ok(), v.entries(), v.brokenAt(), v.why(), out, err);
        }

        private static int report(boolean ok, long entries, long brokenAt, String why, PrintWriter out, PrintWriter err) {
            if (ok) {
                out.println("audit log intact: " + entries + " entries, every hash chains to the one before");
                return 0;
            }
            err.println("airlock: audit log broken at entry " + brokenAt + ": " + why + " (" + entries + " entries before it hold)");
            return 1;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true, description = "Write the audit log as JSON lines, oldest first.")
    static final class Export extends Action {
        @Option(names = "--out", paramLabel = "FILE", description = "Write to this file instead of standard output.")
        Path file;

        @Override
        int remote(Remote api, PrintWriter out, PrintWriter err) throws Exception {
            String lines = api.getText("audit/export");
            if (file != null) {
                Files.writeString(file, lines, StandardCharsets.UTF_8);
                err.println("wrote " + lines.lines().count() + " entries to " + file);
            } else {
                out.print(lines);
                out.flush();
            }
            return 0;
        }

        @Override
        int local(AuditLog log, PrintWriter out, PrintWriter err) throws Exception {
            if (file != null) {
                try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                    long n = log.export(w);
                    err.println("wrote " + n + " entries to " + file);
                }
            } else {
                log.export(out);
                out.flush();
            }
            return 0;
        }
    }
}
