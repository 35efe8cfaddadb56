package dev.airlock.deploy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged jar run as an operator runs it, with a small heap, and the process's own memory
 * figures: Linux's VmHWM (peak resident set) from /proc, reset between cases through clear_refs.
 */
final class AirlockProcess implements AutoCloseable {

    private static final Path JAR = Path.of("target", "airlock.jar");
    private static final Pattern LISTENING = Pattern.compile("listening on http://([0-9.]+):(\\d+)/ with data in (\\S+)");

    final Process process;
    final String base;
    final Path data;
    private final StringBuffer log = new StringBuffer();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Path stdout;

    private AirlockProcess(Process process, String base, Path data, Path stdout) {
        this.stdout = stdout;
        this.process = process;
        this.base = base;
        this.data = data;
    }

    /**
     * Starts {@code java -Xmx<heap> -jar airlock.jar serve} with {@code config}. The JVM exits on
     * an OutOfMemoryError, so a case that exhausts the heap shows as a dead process and a red
     * health check instead of a half-working one.
     */
    static AirlockProcess start(Path dir, String heap, String config) throws IOException {
        Path cfg = dir.resolve("airlock.yaml");
        Files.writeString(cfg, config);
        Path data = dir.resolve("data");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-XX:+ExitOnOutOfMemoryError", "-jar", JAR.toAbsolutePath().toString(),
                "serve", "--config", cfg.toString(), "--port", "0", "--host", "127.0.0.1", "--data", data.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().clear();
        pb.environment().put("HOME", dir.toString());
        // The access log, and the JVM's own word when it ends on an OutOfMemoryError.
        pb.redirectOutput(dir.resolve("stdout.log").toFile());
        Process p = pb.start();
        BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (String line; System.nanoTime() < deadline && (line = err.readLine()) != null; ) {
            seen.append(line).append('\n');
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                AirlockProcess a = new AirlockProcess(p, "http://127.0.0.1:" + m.group(2), data, dir.resolve("stdout.log"));
                a.log.append(seen);
                Thread drain = new Thread(() -> {
                    try {
                        for (String l; (l = err.readLine()) != null; ) {
                            a.log.append(l).append('\n');
                        }
                    } catch (IOException ignored) {
                        // process ended
                    }
                }, "airlock-log");
                drain.setDaemon(true);
                drain.start();
                return a;
            }
        }
        p.destroyForcibly();
        throw new AssertionError("Airlock did not report listening; it said:\n" + seen);
    }

    /** Standard error (the log), then the last lines of standard output (the access log, the JVM's exit message). */
    String log() {
        String out;
        try {
            List<String> lines = Files.readAllLines(stdout, StandardCharsets.UTF_8);
            out = String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            out = "(no standard output: " + e + ")";
        }
        return log + "\n--- standard output ---\n" + out;
    }

    /** Resets the kernel's peak-RSS mark of the process (clear_refs "5"), so the next case is measured alone. */
    void resetPeak() throws IOException {
        Files.writeString(Path.of("/proc", Long.toString(process.pid()), "clear_refs"), "5");
    }

    /** Peak resident set since the last reset, in KiB (VmHWM). */
    long peakRssKib() throws IOException {
        return statusField("VmHWM");
    }

    long rssKib() throws IOException {
        return statusField("VmRSS");
    }

    private long statusField(String name) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith(name + ":")) {
                return Long.parseLong(line.substring(name.length() + 1).replace("kB", "").strip());
            }
        }
        throw new IOException(name + " is not in /proc/" + process.pid() + "/status");
    }

    HttpResponse<String> get(String path, String accept, Duration timeout) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout);
        if (accept != null) {
            b.header("Accept", accept);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The answer's status with its body discarded as it arrives (for files that may be large). */
    int status(String path, Duration timeout) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    int health() {
        try {
            return get("/-/health", null, Duration.ofSeconds(10)).statusCode();
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.toHandle().destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
