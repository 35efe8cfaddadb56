package dev.airlock.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The packaged jar as an operator runs it: java -jar deploy/target/airlock.jar ... */
class AirlockJarIT {

    private static final Path JAR = Path.of("target", "airlock.jar");
    private static final Pattern LISTENING = Pattern.compile("listening on http://([0-9.]+):(\\d+)/ with data in (\\S+)");

    @TempDir
    Path dir;

    private Process start(Path workDir, Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                JAR.toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
        pb.environment().clear();
        pb.environment().put("HOME", workDir.toString());
        pb.environment().putAll(env);
        return pb.start();
    }

    private record Done(int code, String out, String err) {
    }

    private Done run(String... args) throws Exception {
        Process p = start(dir, Map.of(), args);
        p.getOutputStream().close();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "finished");
        return new Done(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void helpOnEveryCommand() throws Exception {
        // --help works on the top command and on serve, listing the flags the spec names.
        Done top = run("--help");
        assertEquals(0, top.code(), top.err());
        assertTrue(top.out().contains("serve"), top.out());
        Done serve = run("serve", "--help");
        assertEquals(0, serve.code(), serve.err());
        for (String flag : List.of("--config", "--host", "--port", "--data", "--offline")) {
            assertTrue(serve.out().contains(flag), flag + " in " + serve.out());
        }
        assertEquals(2, run("serve", "--no-such-flag").code());
        assertEquals(2, run().code(), "a command is required");
    }

    @Test
    void badConfigStopsStartUpNamingFileKeyValueAndWhatIsAllowed() throws Exception {
        // An operator's typo is reported with the file, the key path, the bad value and the allowed values.
        Path cfg = dir.resolve("airlock.yaml");
        Files.writeString(cfg, "server:\n  port: 70000\n");
        Done d = run("serve", "--config", cfg.toString());
        assertEquals(2, d.code());
        assertTrue(d.err().contains("airlock.yaml"), d.err());
        assertTrue(d.err().contains("server.port"), d.err());
        assertTrue(d.err().contains("70000"), d.err());
        assertTrue(d.err().contains("allowed"), d.err());
        Files.writeString(cfg, "policy:\n  mode: enforcing\n");
        Done mode = run("serve", "--config", cfg.toString());
        assertEquals(2, mode.code());
        assertTrue(mode.err().contains("policy.mode") && mode.err().contains("enforce, audit"), mode.err());
    }

    @Test
    void flagsOverrideTheFileAndHealthAnswers() throws Exception {
        // --port, --host and --data override the config file; the npm upstream comes from npm's own environment variable.
        Path cfg = dir.resolve("airlock.yaml");
        Files.writeString(cfg, "server: { port: 1 }\nstorage: { path: ./ignored }\n");
        Path data = dir.resolve("my-data");
        Process p = start(dir, Map.of("npm_config_registry", "http://127.0.0.1:9/"), "serve", "--config", cfg.toString(),
                "--port", "0", "--host", "127.0.0.1", "--data", data.toString());
        try {
            String[] listen = awaitListening(p);
            assertEquals("127.0.0.1", listen[0]);
            assertEquals(data.toString(), listen[2]);
            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + listen[1] + "/-/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode());
            assertTrue(health.body().contains("npm_config_registry"), health.body());
            assertTrue(Files.isRegularFile(data.resolve("state.db")));
            assertTrue(Files.notExists(dir.resolve("ignored")));
        } finally {
            // SIGTERM through the handle: Process.destroy() would also close our end of its stdout.
            p.toHandle().destroy();
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        }
        // A clean stop flushes the access log: one line for the health request on standard output.
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(out.contains("\"GET /-/health\" 200 "), out);

        // The quarantine commands work on the data directory the server made.
        Done list = run("quarantine", "list", "--data", data.toString());
        assertEquals(0, list.code(), list.err());
        assertTrue(list.out().contains("nothing is held"), list.out());
        Done unknown = run("quarantine", "release", "0123456789ab", "--reason", "x", "--data", data.toString());
        assertEquals(1, unknown.code());
        assertTrue(unknown.err().contains("no release with id 0123456789ab"), unknown.err());
        assertEquals(2, run("quarantine", "release", "0123456789ab", "--data", data.toString()).code(), "--reason is required");
        Done none = run("quarantine", "list", "--data", dir.resolve("nowhere").toString());
        assertEquals(1, none.code());
        assertTrue(none.err().contains("no Airlock data"), none.err());
    }

    @Test
    void npmPointedAtAirlockIsNotTakenAsItsUpstream() throws Exception {
        // After `npm config set registry http://127.0.0.1:PORT/npm/`, discovery finds Airlock itself: refused, with the way out.
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = free.getLocalPort();
        }
        Files.writeString(dir.resolve(".npmrc"), "registry=http://127.0.0.1:" + port + "/npm/\n");
        Process p = start(dir, Map.of(), "serve", "--port", Integer.toString(port), "--data", dir.resolve("d").toString());
        try {
            awaitListening(p);
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/npm/left-pad")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, r.statusCode());
            assertTrue(r.body().contains("is this Airlock itself") && r.body().contains("upstreams.npm.url"), r.body());
        } finally {
            p.toHandle().destroy();
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        }
    }

    @Test
    void noArgumentsMeansEmbeddedDefaults() throws Exception {
        // `serve` alone listens on 127.0.0.1:8080 with data in ./airlock-data.
        assumeTrue(portFree(8080), "port 8080 is in use on this machine");
        Process p = start(dir, Map.of("npm_config_registry", "http://127.0.0.1:9/"), "serve");
        try {
            String[] listen = awaitListening(p);
            assertEquals("127.0.0.1", listen[0]);
            assertEquals("8080", listen[1]);
            assertEquals(dir.resolve("airlock-data").toRealPath().toString(), Path.of(listen[2]).toRealPath().toString());
        } finally {
            p.destroy();
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        }
    }

    private static boolean portFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Reads the start-up log until the listening line; returns host, port, data dir. */
    private static String[] awaitListening(Process p) throws IOException {
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String line;
        while (System.nanoTime() < deadline && (line = err.readLine()) != null) {
            seen.append(line).append('\n');
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                Thread drain = new Thread(() -> {
                    try {
                        while (err.readLine() != null) {
                            // keep the pipe empty so the server never blocks on its log
                        }
                    } catch (IOException ignored) {
                        // process ended
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return new String[]{m.group(1), m.group(2), m.group(3)};
            }
        }
        throw new AssertionError("Airlock did not report listening; it said:\n" + seen);
    }
}
