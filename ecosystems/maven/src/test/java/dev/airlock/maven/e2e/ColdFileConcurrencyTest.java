package dev.airlock.maven.e2e;

import dev.airlock.config.AirlockConfig;
import dev.airlock.config.CacheConfig;
import dev.airlock.config.ConfigLoader;
import dev.airlock.config.UpstreamConfig;
import dev.airlock.core.testing.RunningAirlock;
import dev.airlock.maven.fixture.FixtureMavenRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A cold Maven file waits for its release's maven-metadata.xml (the document it is decided from)
 * and for its own bytes at the same time, not one after the other: read from the repository's own
 * record of when each request arrived and ended, with every answer delayed 100 ms. Its checksum
 * file and signature are in flight with it too.
 */
class ColdFileConcurrencyTest {

    @TempDir
    Path tmp;

    @Test
    void theGoverningDocumentAndTheFileAreFetchedAtTheSameTime() throws Exception {
        try (FixtureMavenRepository up = FixtureMavenRepository.builder().jar("org.fixture", "solo", "1.0").start()) {
            up.delay(Duration.ofMillis(100));
            AirlockConfig c = ConfigLoader.defaults().withPort(0).withStoragePath(tmp.resolve("data"))
                    .withCache(new CacheConfig(Duration.ofMinutes(5), 64L * 1024 * 1024))
                    .withUpstream("maven", UpstreamConfig.empty().withUrls(List.of(URI.create(up.baseUrl()))));
            try (RunningAirlock airlock = RunningAirlock.start(c)) {
                assertEquals(200, airlock.get("/maven/org/fixture/solo/1.0/solo-1.0.jar").statusCode());
            }
            List<FixtureMavenRepository.Timing> timings = up.timings();
            FixtureMavenRepository.Timing metadata = only(timings, "/org/fixture/solo/maven-metadata.xml");
            FixtureMavenRepository.Timing jar = only(timings, "/org/fixture/solo/1.0/solo-1.0.jar");
            assertTrue(metadata.startNanos() < jar.endNanos() && jar.startNanos() < metadata.endNanos(),
                    "maven-metadata.xml and the jar were in flight at the same time: " + timings);
            // Its checksum file and signature are asked for with it, not after it answered.
            for (String beside : List.of("/org/fixture/solo/1.0/solo-1.0.jar.sha1", "/org/fixture/solo/1.0/solo-1.0.jar.asc")) {
                FixtureMavenRepository.Timing t = only(timings, beside);
                assertTrue(t.startNanos() < jar.endNanos() && jar.startNanos() < t.endNanos(),
                        beside + " and the jar were in flight at the same time: " + timings);
            }
        }
    }

    private static FixtureMavenRepository.Timing only(List<FixtureMavenRepository.Timing> timings, String path) {
        List<FixtureMavenRepository.Timing> found = timings.stream().filter(t -> t.path().equals(path)).toList();
        assertTrue(!found.isEmpty(), "no request for " + path + " in " + timings);
        return found.get(0);
    }
}
