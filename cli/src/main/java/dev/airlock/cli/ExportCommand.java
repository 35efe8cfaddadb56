package dev.airlock.cli;

import dev.airlock.core.airgap.Export;
import dev.airlock.core.airgap.ExportKey;
import dev.airlock.core.store.sql.SqliteStateStore;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;

/**
 * {@code export --out FILE [--since TIME]}: a signed bundle of approved artifacts and what the
 * inside needs to serve them, from this machine's data directory. The signing key is made on
 * first use ({@code <data>/keys/export.key}); its public half is {@code <data>/keys/export.pub}.
 */
@Command(name = "export", mixinStandardHelpOptions = true, description = "Write a signed bundle for an air-gapped Airlock.")
final class ExportCommand implements Callable<Integer> {

    @CommandLine.Mixin
    QuarantineCommand.DataOptionsMixin where;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", paramLabel = "FILE", description = "The bundle to write.")
    Path out;

    @Option(names = "--since", paramLabel = "TIME", description = "Only files cached since then (ISO-8601, e.g. 2026-01-31T00:00:00Z): an incremental bundle.")
    String since;

    @Option(names = "--print-public-key", description = "Print this instance's export public key (export.pub) and exit.")
    boolean printKey;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        try {
            Path data = where.options.resolve();
            if (!Files.isRegularFile(data.resolve("state.db"))) {
                err.println("airlock: no Airlock data in " + data.toAbsolutePath() + " (use --data DIR or --config FILE)");
                return 1;
            }
            ExportKey key = ExportKey.loadOrCreate(data);
            if (printKey) {
                spec.commandLine().getOut().println(key.publicLine());
                return 0;
            }
            if (out == null) {
                err.println("airlock: --out FILE is required");
                return 2;
            }
            Instant from = null;
            if (since != null) {
                try {
                    from = Instant.parse(since);
                } catch (DateTimeParseException e) {
                    err.println("airlock: --since must be an ISO-8601 instant such as 2026-01-31T00:00:00Z, not " + since);
                    return 2;
                }
            }
            Path part = out.resolveSibling(out.getFileName() + ".part");
            Export.Summary s;
            try (SqliteStateStore store = SqliteStateStore.openExisting(data);
                 OutputStream o = new BufferedOutputStream(Files.newOutputStream(part), 1 << 16)) {
                s = Export.write(store, data, key, from, Clock.systemUTC(), o);
            } catch (Exception e) {
                Files.deleteIfExists(part);
                throw e;
            }
            Files.move(part, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            spec.commandLine().getOut().println("wrote " + out + ": " + s.artifacts() + " files of " + s.packages() + " packages ("
                    + (s.artifactBytes() >> 10) + " KiB), " + s.metadata() + " metadata documents; signed by " + s.keyId()
                    + " (public key: " + data.resolve("keys/export.pub") + ")");
            return 0;
        } catch (Exception e) {
            err.println("airlock: " + e.getMessage());
            return 1;
        }
    }
}
