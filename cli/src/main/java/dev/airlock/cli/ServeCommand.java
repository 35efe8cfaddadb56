package dev.airlock.cli;

import dev.airlock.config.AirlockConfig;
import dev.airlock.config.ConfigException;
import dev.airlock.config.ConfigLoader;
import dev.airlock.core.Airlock;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code serve}: run the proxy until stopped. Flags override the config file. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the proxy. Without --config it runs on the embedded defaults: 127.0.0.1:8080, data in ./airlock-data.")
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "YAML config file; every key is optional.")
    Path config;

    @Option(names = "--host", paramLabel = "H", description = "Address to listen on (server.host).")
    String host;

    @Option(names = "--port", paramLabel = "N", description = "Port to listen on (server.port); 0 picks a free one.")
    Integer port;

    @Option(names = "--data", paramLabel = "DIR", description = "Data directory (storage.path).")
    Path data;

    @Option(names = "--offline", description = "Never contact an upstream; serve only what is stored (offline).")
    boolean offline;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        AirlockConfig c;
        try {
            c = config == null ? ConfigLoader.defaults() : ConfigLoader.load(config);
        } catch (ConfigException e) {
            spec.commandLine().getErr().println("airlock: invalid configuration: " + e.getMessage());
            return 2;
        }
        // The application log in the format the configuration asks for (the access log follows it too).
        Logging.configure(c.server().logFormat() == dev.airlock.config.ServerConfig.LogFormat.JSON);
        if (host != null) {
            c = c.withHost(host);
        }
        if (port != null) {
            if (port < 0 || port > 65535) {
                spec.commandLine().getErr().println("airlock: --port: out of range: got '" + port + "'; allowed: 0 to 65535");
                return 2;
            }
            c = c.withPort(port);
        }
        if (data != null) {
            c = c.withStoragePath(data);
        }
        if (offline) {
            c = c.withOffline(true);
        }
        Airlock airlock;
        try {
            // npm finds ~/.npmrc through $HOME, not through Java's user.home (the passwd entry).
            String home = System.getenv().getOrDefault("HOME", System.getProperty("user.home"));
            airlock = Airlock.start(c, System.getenv(), Path.of(home), Clock.systemUTC(),
                    // Standard output without PrintStream's locking and per-call flushing; AccessLog buffers.
                    new FileOutputStream(FileDescriptor.out));
        } catch (Exception e) {
            // Bind failures arrive as checked exceptions thrown sneakily by Netty.
            spec.commandLine().getErr().println("airlock: cannot start: " + e);
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            airlock.close();
            stopped.countDown();
        }, "airlock-shutdown"));
        stopped.await();
        return 0;
    }
}
