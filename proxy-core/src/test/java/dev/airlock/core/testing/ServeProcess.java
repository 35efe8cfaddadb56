package dev.airlock.core.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code airlock serve} in a JVM of its own, with the calling test's class path (its ecosystems
 * and the command line included), for tests that kill it with SIGKILL. Returns once
 * {@code /-/health} answers 200.
 */
public final class ServeProcess {

    private ServeProcess() {
    }

    /** @param log where the process's output is appended (several starts share one file) */
    public static Process start(Path config, Path data, int port, Path log) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), "dev.airlock.cli.Main", "serve", "--config", config.toString(),
                "--port", Integer.toString(port), "--data", data.toString());
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process p = pb.start();
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/health")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return p;
                }
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        p.destroyForcibly();
        throw new AssertionError("airlock did not start: " + Files.readString(log));
    }
}
