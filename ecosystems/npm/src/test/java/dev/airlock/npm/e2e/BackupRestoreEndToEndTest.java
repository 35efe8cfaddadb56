package dev.airlock.npm.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.cli.testing.Cli;
import dev.airlock.core.testing.ClientProcess;
import dev.airlock.core.testing.RunningAirlock;
import dev.airlock.npm.fixture.FixtureNpmRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * airlock backup while the server answers npm and a stream of other requests, then airlock
 * restore into a new data directory, and npm ci through a server on the restored data with the
 * registry gone: the files, the decisions and the audit chain came back. A backup cut short is
 * never restored.
 */
class BackupRestoreEndToEndTest {

    private static final ObjectMapper M = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void aBackupTakenUnderLoadRestoresWhole() throws Exception {
        FixtureNpmRegistry.Builder b = FixtureNpmRegistry.builder()
                .pkg("app-lib", p -> p.version("1.0.0", v -> v.npmUser("ann", "ann@example.test").dependency("util-a", "^1.0.0")
                        .file("index.js", "module.exports = require('util-a');")))
                .pkg("util-a", p -> p.version("1.0.0", v -> v.npmUser("ann", "ann@example.test").file("index.js", "module.exports = 1;")))
                .pkg("hooked-box", p -> p.version("1.0.0", v -> v.npmUser("ann", "ann@example.test"))
                        .version("1.1.0", v -> v.npmUser("ann", "ann@example.test").script("preinstall", "node -e 0")));
        for (int i = 0; i < 40; i++) {
            b.pkg("load-" + i, p -> p.version("1.0.0", v -> v.npmUser("ann", "ann@example.test")));
        }
        Path data = tmp.resolve("data");
        Path backup = tmp.resolve("airlock.backup");
        Path app = tmp.resolve("app");
        String admin;
        String registryUrl;
        String held;
        try (FixtureNpmRegistry registry = b.start()) {
            try (RunningAirlock airlock = RunningAirlock.start(data, Duration.ofMinutes(5), Map.of("npm", URI.create(registry.baseUrl())))) {
                admin = airlock.adminToken();
                registryUrl = airlock.uri("/npm/").toString();
                Files.createDirectories(app);
                Files.writeString(app.resolve("package.json"),
                        "{\"name\":\"app\",\"version\":\"1.0.0\",\"private\":true,\"dependencies\":{\"app-lib\":\"^1.0.0\"}}");
                ClientProcess.Result install = ClientProcess.run(app, NpmClient.env(tmp.resolve("home1"), registryUrl, true), 300,
                        List.of("npm", "install"));
                assertEquals(0, install.exitCode(), install.both());
                assertEquals(200, airlock.get("/npm/hooked-box").statusCode());
                held = M.readTree(airlock.admin("GET", "quarantine", admin, null).body()).at("/items/0/id").asText();
                assertEquals(200, airlock.admin("POST", "quarantine/" + held + "/release", admin, "{\"reason\":\"the vendor's installer\"}")
                        .statusCode());

                // Cold and warm requests go on while the backup runs.
                AtomicBoolean loading = new AtomicBoolean(true);
                AtomicInteger answered = new AtomicInteger();
                Thread load = new Thread(() -> {
                    for (int i = 0; loading.get(); i++) {
                        try {
                            if (airlock.get(i % 2 == 0 ? "/npm/load-" + (i / 2 % 40) + "/-/load-" + (i / 2 % 40) + "-1.0.0.tgz"
                                    : "/npm/util-a/-/util-a-1.0.0.tgz").statusCode() == 200) {
                                answered.incrementAndGet();
                            }
                        } catch (Exception e) {
                            return;
                        }
                    }
                });
                load.start();
                while (answered.get() < 10) {
                    Thread.sleep(10);
                }
                int before = answered.get();
                String[] written = Cli.run("backup", "--out", backup.toString(), "--data", data.toString());
                int during = answered.get() - before;
                loading.set(false);
                load.join();
                assertEquals("0", written[0], written[1] + written[2]);
                assertTrue(during > 0, "the server kept answering during the backup");
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(backup)), "it holds the export key");
            }
            registry.stop();
        }

        // A backup cut short (a process killed while writing): restore refuses it and writes nothing.
        byte[] whole = Files.readAllBytes(backup);
        Path cut = Files.write(tmp.resolve("cut.backup"), java.util.Arrays.copyOf(whole, whole.length * 2 / 3));
        String[] refused = Cli.run("restore", cut.toString(), "--data", tmp.resolve("never").toString());
        assertEquals("1", refused[0]);
        assertTrue(refused[2].contains("not a complete Airlock backup"), refused[2]);
        assertFalse(Files.exists(tmp.resolve("never/state.db")));

        Path restored = tmp.resolve("restored");
        String[] back = Cli.run("restore", backup.toString(), "--data", restored.toString());
        assertEquals("0", back[0], back[1] + back[2]);
        assertTrue(back[1].contains("verifies"), back[1]);

        // A server on the restored data, the registry gone: the lockfile installs; the release still holds.
        try (RunningAirlock again = RunningAirlock.start(restored, Duration.ofMinutes(5), Map.of("npm", URI.create("http://127.0.0.1:9/")))) {
            Path ci = tmp.resolve("ci");
            Files.createDirectories(ci);
            Files.copy(app.resolve("package.json"), ci.resolve("package.json"));
            Files.writeString(ci.resolve("package-lock.json"), Files.readString(app.resolve("package-lock.json"))
                    .replace(registryUrl, again.uri("/npm/").toString()));
            ClientProcess.Result npmCi = ClientProcess.run(ci, NpmClient.env(tmp.resolve("home2"), again.uri("/npm/").toString(), true), 300,
                    List.of("npm", "ci"));
            assertEquals(0, npmCi.exitCode(), npmCi.both());
            assertEquals("released", M.readTree(again.admin("GET", "quarantine/" + held, admin, null).body()).path("status").asText());
            assertTrue(M.readTree(again.admin("GET", "audit/verify", admin, null).body()).path("ok").asBoolean());
        }
    }
}
