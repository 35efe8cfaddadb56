package dev.airlock.cli.testing;

import dev.airlock.cli.Main;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs Airlock's command line in-process, as an operator would beside the server. */
public final class Cli {

    private Cli() {
    }

    /** @return the exit code, standard output and standard error */
    public static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(new Main()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new String[]{Integer.toString(code), out.toString(), err.toString()};
    }
}
