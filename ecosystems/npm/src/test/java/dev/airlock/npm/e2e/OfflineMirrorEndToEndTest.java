package dev.airlock.npm.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.config.AirlockConfig;
import dev.airlock.config.CacheConfig;
import dev.airlock.config.ConfigLoader;
import dev.airlock.config.UpstreamConfig;
import dev.airlock.core.testing.ClientProcess;
import dev.airlock.core.testing.RunningAirlock;
import dev.airlock.npm.fixture.FixtureNpmRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An offline Airlock (no upstream at all) serves what its store holds, as if it were the
 * registry: a packument lists exactly the approved versions it has tarballs for, with dist-tags
 * moved onto them, and everything else is "not in this mirror". The real npm installs from it
 * with the fixture registry gone.
 */
class OfflineMirrorEndToEndTest {

    private static final ObjectMapper M = new ObjectMapper();

    @TempDir
    Path tmp;

    private ClientProcess.Result install(RunningAirlock airlock, String dirName, String spec) throws Exception {
        Path dir = tmp.resolve(dirName);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("package.json"), "{\"name\":\"app\",\"version\":\"1.0.0\",\"private\":true}");
        return ClientProcess.run(dir, NpmClient.env(tmp.resolve("home-" + dirName), airlock, true), 300,
                List.of("npm", "install", "--no-save", spec));
    }

    @Test
    void anOfflineMirrorListsExactlyWhatItHoldsAndNpmInstallsFromIt() throws Exception {
        Path data = tmp.resolve("data");
        AirlockConfig base = ConfigLoader.defaults().withPort(0).withStoragePath(data)
                .withCache(new CacheConfig(Duration.ofMinutes(5), 64L * 1024 * 1024));
        try (FixtureNpmRegistry registry = FixtureNpmRegistry.builder()
                .pkg("mirror-box", p -> p.version("1.0.0", v -> v.npmUser("ann", "ann@example.test"))
                        .version("1.1.0", v -> v.npmUser("ann", "ann@example.test"))
                        .version("2.0.0", v -> v.npmUser("ann", "ann@example.test")))
                .start();
             RunningAirlock online = RunningAirlock.start(base.withUpstream("npm", UpstreamConfig.empty().withUrl(URI.create(registry.baseUrl()))))) {
            ClientProcess.Result fed = install(online, "feed", "mirror-box@1.1.0");
            assertEquals(0, fed.exitCode(), fed.both());
        }
        // The registry is gone; the same data is served offline.
        try (RunningAirlock offline = RunningAirlock.start(base.withOffline(true))) {
            JsonNode doc = M.readTree(offline.get("/npm/mirror-box").body());
            List<String> versions = new java.util.ArrayList<>();
            doc.get("versions").fieldNames().forEachRemaining(versions::add);
            // The newest release is read for the policy before it is listed, so the mirror may hold 2.0.0 as well;
            // it lists exactly the versions whose tarballs it holds.
            assertTrue(versions.contains("1.1.0"), versions.toString());
            assertFalse(versions.contains("1.0.0"), "never fetched, so not listed: " + versions);
            for (String v : versions) {
                assertEquals(200, offline.get("/npm/mirror-box/-/mirror-box-" + v + ".tgz").statusCode(), v);
            }
            assertTrue(versions.contains(doc.at("/dist-tags/latest").asText()), doc.get("dist-tags").toString());

            ClientProcess.Result ok = install(offline, "a", "mirror-box@1.1.0");
            assertEquals(0, ok.exitCode(), ok.both());
            ClientProcess.Result absent = install(offline, "b", "mirror-box@1.0.0");
            assertNotEquals(0, absent.exitCode(), absent.both());

            var missingFile = offline.get("/npm/mirror-box/-/mirror-box-1.0.0.tgz");
            assertEquals(404, missingFile.statusCode());
            var missingPackage = offline.get("/npm/never-seen");
            assertEquals(404, missingPackage.statusCode());
            assertTrue(new String(missingPackage.body()).contains("not in this mirror"), new String(missingPackage.body()));
        }
    }
}
