package dev.airlock.maven.e2e;

import dev.airlock.config.AirlockConfig;
import dev.airlock.config.ConfigLoader;
import dev.airlock.core.testing.RunningAirlock;
import dev.airlock.maven.fixture.FixtureMavenRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A release no maven-metadata.xml governs, denied by name (policy.deny): refused every time, and
 * never downloaded, also when it is asked for again (the fast path must know it is refused).
 */
class DeniedWithoutMetadataTest {

    @TempDir
    Path tmp;

    @Test
    void aDeniedReleaseWithoutMetadataIsRefusedEveryTimeAndNeverDownloaded() throws Exception {
        String jar = "org/fixture/evil/1.0/evil-1.0.jar";
        try (FixtureMavenRepository up = FixtureMavenRepository.builder().raw(jar, new byte[]{'P', 'K', 3, 4}).start()) {
            AirlockConfig c = ConfigLoader.parse("server: { port: 0 }\nupstreams: { maven: { url: '" + up.baseUrl() + "' } }\n"
                    + "policy: { deny: [\"maven:org.fixture:evil\"] }\n", "deny.yaml").withStoragePath(tmp.resolve("data"));
            try (RunningAirlock airlock = RunningAirlock.start(c)) {
                assertEquals(403, airlock.get("/maven/" + jar).statusCode());
                assertEquals(403, airlock.get("/maven/" + jar).statusCode(), "refused again, from memory");
                assertEquals(403, airlock.get("/maven/" + jar).statusCode());
            }
            assertEquals(0, up.requests("/" + jar), "a denied name is never downloaded");
        }
    }
}
