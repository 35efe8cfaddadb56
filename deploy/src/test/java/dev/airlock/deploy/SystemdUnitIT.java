package dev.airlock.deploy;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** deploy/systemd/airlock.service: systemd accepts it, it is hardened, and its JVM flags and the packaged jar's command line are real ones. */
class SystemdUnitIT {

    private static final Path UNIT = Path.of("systemd/airlock.service");

    private static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "finished: " + command);
        assertEquals(0, p.exitValue(), command + ": " + out);
        return out;
    }

    /** Directive to value, the last one winning, as systemd reads them (comments and sections left out). */
    private static Map<String, String> directives() throws Exception {
        Map<String, String> d = new LinkedHashMap<>();
        for (String line : Files.readAllLines(UNIT)) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#") || l.startsWith("[")) {
                continue;
            }
            int eq = l.indexOf('=');
            d.put(l.substring(0, eq), l.substring(eq + 1));
        }
        return d;
    }

    @Test
    void systemdAnalyzeVerifyPasses() throws Exception {
        // Debian's systemd (every machine of this kind has it); it prints nothing for a clean unit.
        String out = run(List.of("systemd-analyze", "verify", UNIT.toAbsolutePath().toString()));
        assertEquals("", out.strip(), out);
    }

    @Test
    void itRunsAsNoOneInParticularWithLittleOfTheSystem() throws Exception {
        Map<String, String> d = directives();
        for (String[] expected : new String[][] {{"DynamicUser", "yes"}, {"StateDirectory", "airlock"}, {"StateDirectoryMode", "0700"},
                {"NoNewPrivileges", "yes"}, {"ProtectSystem", "strict"}, {"ProtectHome", "yes"}, {"PrivateTmp", "yes"},
                {"PrivateDevices", "yes"}, {"UMask", "0077"}, {"CapabilityBoundingSet", ""}, {"KillSignal", "SIGTERM"}}) {
            assertEquals(expected[1], d.get(expected[0]), expected[0]);
        }
        assertTrue(Integer.parseInt(d.get("TimeoutStopSec")) > 5 + 2, "longer than Airlock's own drain (5 s of workers, 2 s of loops)");
    }

    @Test
    void itsJvmFlagsAndCommandLineAreAccepted() throws Exception {
        Map<String, String> d = directives();
        String env = d.get("Environment");
        String opts = env.substring(env.indexOf("JAVA_OPTS=") + "JAVA_OPTS=".length()).replace("\"", "");
        List<String> java = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        java.addAll(List.of(opts.split(" ")));
        java.add("-version");
        run(java);
        String exec = d.get("ExecStart");
        assertTrue(exec.startsWith("/usr/bin/java $JAVA_OPTS -jar /usr/lib/airlock/airlock.jar serve "), exec);
        // The options it passes are those of the packaged jar's serve command.
        String help = run(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", "target/airlock.jar",
                "serve", "--help"));
        for (String option : exec.split(" ")) {
            if (option.startsWith("--")) {
                assertTrue(help.contains(option), option + " is an option of airlock serve:\n" + help);
            }
        }
    }
}
