package dev.airlock.cli;

import dev.airlock.config.ConfigLoader;
import dev.airlock.core.airgap.BundleException;
import dev.airlock.core.airgap.ExportKey;
import dev.airlock.core.airgap.Import;
import dev.airlock.core.store.sql.SqliteStateStore;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code import FILE}: verifies a bundle against the trusted export keys and every digest, then
 * loads it into this machine's data directory; a bundle that fails any check changes nothing.
 */
@Command(name = "import", mixinStandardHelpOptions = true, description = "Verify and load a bundle from a connected Airlock.")
final class ImportCommand implements Callable<Integer> {

    @CommandLine.Mixin
    QuarantineCommand.DataOptionsMixin where;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE")
    Path file;

    @Option(names = "--trusted-key", paramLabel = "PUB", description = "An export.pub whose bundles to accept (also airgap.trustedKeys in the config).")
    List<Path> trustedKeys = new ArrayList<>();

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        try {
            Path data = where.options.resolve();
            List<ExportKey.Trusted> trusted = new ArrayList<>();
            for (Path p : trustedKeys) {
                trusted.add(ExportKey.Trusted.read(p));
            }
            var config = where.options.config == null ? ConfigLoader.defaults() : ConfigLoader.load(where.options.config);
            for (String p : config.airgap().trustedKeys()) {
                trusted.add(ExportKey.Trusted.read(Path.of(p)));
            }
            if (!Files.isRegularFile(file)) {
                err.println("airlock: no bundle at " + file);
                return 1;
            }
            Import.Summary s;
            try (SqliteStateStore store = new SqliteStateStore(data);
                 InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
                s = Import.run(in, trusted, data, store, Clock.systemUTC(), System.getProperty("user.name", "unknown") + " (command line)",
                        line -> err.println("import: " + line));
            }
            spec.commandLine().getOut().println("imported " + file + " (signed by " + s.keyId() + "): " + s.artifactsAdded() + " files added, "
                    + s.artifactsKnown() + " already here, " + s.metadataAdded() + " metadata documents, " + s.decisionsAdded() + " decisions");
            return 0;
        } catch (BundleException e) {
            err.println("airlock: bundle refused, nothing was changed: " + e.getMessage());
            return 1;
        } catch (IllegalArgumentException e) {
            err.println("airlock: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            err.println("airlock: " + e.getMessage());
            return 1;
        }
    }
}
