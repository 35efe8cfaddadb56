package dev.airlock.npm.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.config.AirlockConfig;
import dev.airlock.core.testing.ClientProcess;
import dev.airlock.core.testing.RunningAirlock;
import dev.airlock.npm.fixture.FixtureNpmRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Only the newest release (and the one it is compared with) is read before a package is listed;
 * an older release's files are read when a client first downloads them. A finding made then
 * refuses the file and hides the version from the listing from then on (docs/POLICY.md, "When
 * files are read"). Here 1.1.0 ships a binding.gyp its manifest does not declare (npm would run
 * node-gyp at install): a hook new against 1.0.0, found only in the tarball.
 */
class OlderReleaseReadAtDownloadTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void anOlderReleaseIsReadWhenFirstDownloadedAndHiddenOnceFoundWanting() throws Exception {
        try (FixtureNpmRegistry registry = FixtureNpmRegistry.builder()
                .pkg("late-hook", p -> p.version("1.0.0", v -> v.npmUser("ann", "ann@example.test"))
                        .version("1.1.0", v -> v.npmUser("ann", "ann@example.test").file("binding.gyp", "{\"targets\":[]}"))
                        .version("1.2.0", v -> v.npmUser("ann", "ann@example.test")))
                .start()) {
            AirlockConfig c = RunningAirlock.config(tmp.resolve("data"), "npm", URI.create(registry.baseUrl()));
            try (RunningAirlock airlock = RunningAirlock.start(c)) {
                // Listing reads the newest release only: 1.1.0 is listed, unread.
                assertEquals(List.of("1.0.0", "1.1.0", "1.2.0"), versions(airlock));
                assertEquals(1, registry.tarballRequests("late-hook", "1.2.0"));
                assertEquals(0, registry.tarballRequests("late-hook", "1.1.0"), "an older release is not read before listing");

                // A client asking for 1.1.0 gets it read, and refused.
                Path dir = Files.createDirectories(tmp.resolve("app"));
                Files.writeString(dir.resolve("package.json"), "{\"name\":\"app\",\"version\":\"1.0.0\",\"private\":true}");
                ClientProcess.Result r = ClientProcess.run(dir, NpmClient.env(tmp.resolve("home"), airlock, true), 300,
                        List.of("npm", "install", "late-hook@1.1.0"));
                assertNotEquals(0, r.exitCode(), r.both());
                assertTrue(r.both().contains("403") && r.both().contains("binding.gyp"), r.both());
                assertEquals(1, registry.tarballRequests("late-hook", "1.1.0"));

                // From then on the listing no longer offers it; the others stay.
                List<String> after = versions(airlock);
                assertFalse(after.contains("1.1.0"), after.toString());
                assertTrue(after.contains("1.0.0") && after.contains("1.2.0"), after.toString());
            }
        }
    }

    private static List<String> versions(RunningAirlock airlock) throws Exception {
        var resp = airlock.get("/npm/late-hook");
        assertEquals(200, resp.statusCode());
        JsonNode doc = JSON.readTree(resp.body());
        List<String> out = new java.util.ArrayList<>();
        doc.get("versions").fieldNames().forEachRemaining(out::add);
        return out;
    }
}
