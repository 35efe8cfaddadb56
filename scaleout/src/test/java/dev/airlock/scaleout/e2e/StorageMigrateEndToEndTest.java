package dev.airlock.scaleout.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.cli.Main;
import dev.airlock.config.StorageConfig;
import dev.airlock.core.testing.ClientProcess;
import dev.airlock.core.testing.RunningAirlock;
import dev.airlock.npm.e2e.NpmClient;
import dev.airlock.npm.fixture.FixtureNpmRegistry;
import dev.airlock.scaleout.testing.PostgresServer;
import dev.airlock.scaleout.testing.S3Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code airlock storage migrate}: a single node's store moves to PostgreSQL and S3, and a replica serves it. */
class StorageMigrateEndToEndTest {

    private static final ObjectMapper M = new ObjectMapper();

    @TempDir
    Path tmp;

    private static String[] cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(new Main()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void aSingleNodeStoreIsCopiedCheckedAndServedByAReplicaWithTheUpstreamGone() throws Exception {
        String database = PostgresServer.shared().newDatabase();
        try (S3Server s3 = S3Server.start(tmp.resolve("s3"));
             FixtureNpmRegistry registry = FixtureNpmRegistry.builder()
                     .pkg("app-lib", p -> p.version("1.0.0", v -> v.npmUser("ann", "ann@example.test").dependency("util-a", "^1.0.0")
                             .file("index.js", "module.exports = require('util-a');")))
                     .pkg("util-a", p -> p.version("1.0.0", v -> v.npmUser("ann", "ann@example.test").file("index.js", "module.exports = 1;")))
                     .pkg("hooked-box", p -> p.version("1.0.0", v -> v.npmUser("ann", "ann@example.test"))
                             .version("1.1.0", v -> v.npmUser("ann", "ann@example.test").script("preinstall", "node -e 0")))
                     .start()) {
            StorageConfig.S3 bucket = s3.bucket("airlock", "migrated/");
            Path single = tmp.resolve("single");
            Path app = tmp.resolve("app");
            String admin;
            String held;
            String nodeRegistry;
            try (RunningAirlock node = RunningAirlock.start(single, Duration.ofMinutes(5), java.util.Map.of("npm", URI.create(registry.baseUrl())))) {
                admin = node.adminToken();
                nodeRegistry = node.uri("/npm/").toString();
                Files.createDirectories(app);
                Files.writeString(app.resolve("package.json"),
                        "{\"name\":\"app\",\"version\":\"1.0.0\",\"private\":true,\"dependencies\":{\"app-lib\":\"^1.0.0\"}}");
                ClientProcess.Result install = ClientProcess.run(app, NpmClient.env(tmp.resolve("home1"), node.uri("/npm/").toString(), true),
                        300, List.of("npm", "install"));
                assertEquals(0, install.exitCode(), install.both());
                assertEquals(200, node.get("/npm/hooked-box").statusCode());
                held = M.readTree(node.admin("GET", "quarantine", admin, null).body()).at("/items/0/id").asText();
                assertEquals(200, node.admin("POST", "quarantine/" + held + "/release", admin, "{\"reason\":\"vendor's installer\"}").statusCode());
            }
            registry.stop();

            Path config = Files.writeString(tmp.resolve("replicas.yaml"), """
                    storage:
                      path: %s
                      state: { postgres: { url: "%s", user: %s } }
                      blobs: { s3: { bucket: %s, prefix: %s, endpoint: "%s", pathStyle: true, accessKeyId: %s, secretAccessKey: %s } }
                    """.formatted(tmp.resolve("replica"), database, PostgresServer.USER, bucket.bucket(), bucket.prefix(), bucket.endpoint(),
                    bucket.accessKeyId(), bucket.secretAccessKey()));
            String[] copied = cli("storage", "migrate", "--data", single.toString(), "--config", config.toString());
            assertEquals("0", copied[0], copied[1] + copied[2]);
            assertTrue(copied[1].contains("the copy checks out"), copied[1]);

            String[] again = cli("storage", "migrate", "--data", single.toString(), "--config", config.toString());
            assertEquals("1", again[0]);
            assertTrue(again[2].contains("the target database is not empty"), again[2]);

            // A replica on the copy, with no upstream: the lockfile installs, the decision and the audit log came along.
            Path data = tmp.resolve("replica");
            try (RunningAirlock replica = RunningAirlock.start(RunningAirlock.config(data, "npm", URI.create(registry.baseUrl()))
                    .withStorage(new StorageConfig(data, 0, new StorageConfig.Postgres(database, PostgresServer.USER, null, 4), bucket,
                            new StorageConfig.LocalCache(data.resolve("cache"), 0))))) {
                Path ci = tmp.resolve("ci");
                Files.createDirectories(ci);
                Files.copy(app.resolve("package.json"), ci.resolve("package.json"));
                Files.writeString(ci.resolve("package-lock.json"), Files.readString(app.resolve("package-lock.json"))
                        .replace(nodeRegistry, replica.uri("/npm/").toString()));
                ClientProcess.Result npmCi = ClientProcess.run(ci, NpmClient.env(tmp.resolve("home2"), replica.uri("/npm/").toString(), true),
                        300, List.of("npm", "ci"));
                assertEquals(0, npmCi.exitCode(), npmCi.both());
                assertEquals(200, replica.get("/npm/hooked-box/-/hooked-box-1.1.0.tgz").statusCode(), "released before the move");
                JsonNode verify = M.readTree(replica.admin("GET", "audit/verify", admin, null).body());
                assertTrue(verify.get("ok").asBoolean() && verify.get("entries").asInt() >= 2, verify.toString());
                JsonNode entry = M.readTree(replica.admin("GET", "quarantine/" + held, admin, null).body());
                assertEquals("released", entry.get("status").asText(), entry.toString());
            }
        }
    }
}
