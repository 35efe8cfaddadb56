package dev.airlock.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/**
 * {@code java -jar airlock.jar <command>}. Exit codes: 0 done, 1 failed, 2 bad usage.
 */
@Command(name = "airlock", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "A supply-chain gate: a caching proxy for npm, pip and Maven that inspects every release.",
        subcommands = {ServeCommand.class, QuarantineCommand.class, TokenCommand.class, AuditCommand.class, ExportCommand.class, ImportCommand.class,
                PrefetchCommand.class, StorageCommand.class, BackupCommand.class, RestoreCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        Logging.configure();
        int code = new CommandLine(new Main())
                .setExitCodeExceptionMapper(t -> t instanceof CommandLine.ParameterException ? 2 : 1)
                .execute(args);
        System.exit(code);
    }

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("airlock: a command is required");
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    /** The version from the jar manifest, or "dev" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[]{"airlock " + (v == null ? "dev" : v)};
        }
    }
}
