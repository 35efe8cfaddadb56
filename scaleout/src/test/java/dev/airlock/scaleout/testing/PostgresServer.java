package dev.airlock.scaleout.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests: Debian's binaries, a cluster made by {@code initdb} in a
 * temporary folder, listening on a free loopback port with its socket in that folder. As root,
 * the server runs as the {@code postgres} user through {@code runuser} ({@code initdb} refuses
 * root). One server per test JVM, started on first use and stopped when the JVM exits; each test
 * takes a database of its own from {@link #newDatabase()}.
 */
public final class PostgresServer {

    /** The role the tests connect as (trust authentication on loopback). */
    public static final String USER = "airlock";

    private static PostgresServer shared;

    private final Path bin;
    private final Path dir;
    private final int port;
    private final boolean asPostgres;
    private final AtomicInteger databases = new AtomicInteger();

    private PostgresServer(Path bin, Path dir, int port, boolean asPostgres) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.asPostgres = asPostgres;
    }

    /** The JVM's server, started on first use. */
    public static synchronized PostgresServer shared() throws IOException, InterruptedException {
        if (shared == null) {
            PostgresServer s = create();
            s.start();
            Runtime.getRuntime().addShutdownHook(new Thread(s::destroy, "postgres-stop"));
            shared = s;
        }
        return shared;
    }

    /** A server of its own (for tests that stop and start it); the caller destroys it. */
    public static PostgresServer create() throws IOException, InterruptedException {
        Path bin = binaries();
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory("airlock-pg-");
        if (root) {
            UserPrincipal postgres = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
            Files.setOwner(dir, postgres);
        }
        PostgresServer s = new PostgresServer(bin, dir, freePort(), root);
        s.run(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-A", "trust", "-U", USER,
                "-E", "UTF8", "--no-sync"), 120);
        return s;
    }

    private static Path binaries() {
        String configured = System.getenv("AIRLOCK_TEST_PG_BIN");
        if (configured != null) {
            return Path.of(configured);
        }
        Path root = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(root)) {
            try (Stream<Path> versions = Files.list(root)) {
                var newest = versions.filter(p -> Files.isExecutable(p.resolve("bin/pg_ctl")))
                        .max(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString().replaceAll("\\D", "0"))));
                if (newest.isPresent()) {
                    return newest.get().resolve("bin");
                }
            } catch (IOException ignored) {
                // reported below
            }
        }
        throw new IllegalStateException("no PostgreSQL server binaries under /usr/lib/postgresql (Debian's package postgresql;"
                + " .ci/run installs it) and AIRLOCK_TEST_PG_BIN is not set");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Starts the server (again, after {@link #stop()}) and waits until it accepts connections. */
    public void start() throws IOException, InterruptedException {
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l", dir.resolve("log").toString(),
                "-w", "-t", "60", "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off"
                        + " -c max_connections=200 -c shared_buffers=32MB", "start"), 90);
    }

    /** Stops the server at once (as a crash or a network cut would look to a replica). */
    public void stop() throws IOException, InterruptedException {
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop"), 60);
    }

    /** Stops the server and deletes its folder. */
    public void destroy() {
        try {
            stop();
        } catch (IOException | InterruptedException | RuntimeException ignored) {
            // already stopped, or going away with the JVM
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder left behind
        }
    }

    public int port() {
        return port;
    }

    /** The JDBC URL of a database on this server. */
    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** Creates a new empty database and returns its JDBC URL. */
    public String newDatabase() throws SQLException {
        String name = "t" + ProcessHandle.current().pid() + "_" + databases.incrementAndGet();
        try (Connection c = DriverManager.getConnection(url("postgres"), USER, "");
             Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
        return url(name);
    }

    private void run(List<String> command, int seconds) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        if (asPostgres) {
            cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        cmd.addAll(command);
        Path out = Files.createTempFile("airlock-pg-cmd-", ".log");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish in " + seconds + " s");
            }
            if (p.exitValue() != 0) {
                String log = Files.exists(dir.resolve("log")) ? Files.readString(dir.resolve("log")) : "";
                throw new IOException(String.join(" ", command) + " failed (exit " + p.exitValue() + "): "
                        + Files.readString(out) + log);
            }
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
