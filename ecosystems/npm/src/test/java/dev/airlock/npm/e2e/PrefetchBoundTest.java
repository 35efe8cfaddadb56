package dev.airlock.npm.e2e;

import dev.airlock.config.AirlockConfig;
import dev.airlock.core.proxy.ArtifactService;
import dev.airlock.core.testing.RunningAirlock;
import dev.airlock.npm.fixture.FixtureNpmRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The newest release's tarball is read before the version is listed, with one GET bounded by
 * {@link ArtifactService#PREFETCH_MAX_BYTES} (no size probe first): a larger one is given up on
 * its own headers, the version is listed, and a client asking for it gets it whole.
 */
class PrefetchBoundTest {

    @TempDir
    Path tmp;

    @Test
    void aTarballPastThePrefetchBoundIsGivenUpThenServedWholeToTheClient() throws Exception {
        byte[] data = new byte[(int) ArtifactService.PREFETCH_MAX_BYTES + (1 << 20)];
        new Random(3).nextBytes(data); // incompressible: the tarball stays past the bound
        try (FixtureNpmRegistry registry = FixtureNpmRegistry.builder()
                .pkg("heavy-box", p -> p.version("1.0.0", v -> v.npmUser("ann", "ann@example.test").file("data.bin", data)))
                .start()) {
            AirlockConfig c = RunningAirlock.config(tmp.resolve("data"), "npm", URI.create(registry.baseUrl()));
            try (RunningAirlock airlock = RunningAirlock.start(c)) {
                assertEquals(200, airlock.get("/npm/heavy-box").statusCode());
                assertEquals(1, registry.tarballRequests("heavy-box", "1.0.0"), "one GET, given up on its Content-Length");
                assertEquals(0, registry.log().stream().filter(r -> r.method().equals("HEAD")).count(), "no size probe");
                HttpResponse<byte[]> tgz = airlock.get("/npm/heavy-box/-/heavy-box-1.0.0.tgz");
                assertEquals(200, tgz.statusCode());
                assertEquals(registry.tarball("heavy-box", "1.0.0").length, tgz.body().length);
                assertEquals(2, registry.tarballRequests("heavy-box", "1.0.0"), "the client's download fetched it whole");
            }
        }
    }
}
