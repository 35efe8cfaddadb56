package dev.airlock.pypi.e2e;

import dev.airlock.config.AirlockConfig;
import dev.airlock.config.PolicyConfig;
import dev.airlock.core.testing.NettyLeaks;
import dev.airlock.core.testing.RunningAirlock;
import dev.airlock.pypi.fixture.Dists;
import dev.airlock.pypi.fixture.FixturePypiIndex;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code prefetch} of a requirements file, whose pins name no files: the files of each version
 * come from Airlock's own project page (with --hash, exactly those), and a version the page does
 * not list because Airlock keeps it out is reported with the verdict from the admin API.
 */
class PrefetchRequirementsEndToEndTest {

    @AfterAll
    static void noBufferLeaked() throws InterruptedException {
        NettyLeaks.assertNone();
    }

    @TempDir
    Path tmp;

    private static String[] airlock(String... args) {
        return dev.airlock.cli.testing.Cli.run(args);
    }

    @Test
    void hashedPinsFetchTheirFilesAndADeniedVersionIsReportedWithItsReason() throws Exception {
        try (FixturePypiIndex fixture = FixturePypiIndex.builder()
                .project("Fixture.A", p -> p.release("1.0", r -> r.wheel().sdist()))
                .project("fixture-b", p -> p.release("1.0", r -> r.wheel()))
                .start()) {
            AirlockConfig c = RunningAirlock.config(tmp.resolve("data"), "pypi", URI.create(fixture.simpleUrl()));
            PolicyConfig p = c.policy();
            c = c.withPolicy(new PolicyConfig(p.mode(), p.minimumReleaseAge(), p.installHooks(), p.publisherChange(),
                    p.provenanceRegression(), p.internalNamespaces(), p.allow(), List.of("pypi:fixture-b@1.0"), p.holdUnknownAge(),
                    p.typosquats(), p.knownMalicious(), p.holdUnsigned(), p.registryKeys(), p.signerChange(), p.identities(),
                    p.pgpKeyrings(), p.sigstoreTrustedRoot()));
            String wheel = Dists.wheelFilename("Fixture.A", "1.0");
            Path requirements = tmp.resolve("requirements.txt");
            Files.writeString(requirements, "fixture-a==1.0 \\\n    --hash=sha256:" + fixture.sha256(wheel) + "\n"
                    + "fixture_b==1.0 ; python_version >= \"3.8\"\n");
            try (RunningAirlock airlock = RunningAirlock.start(c)) {
                String server = "http://127.0.0.1:" + airlock.port();
                String[] anonymous = airlock("prefetch", requirements.toString(), "--server", server);
                assertEquals("1", anonymous[0], anonymous[1] + anonymous[2]);
                assertTrue(anonymous[1].contains("pypi fixture-a 1.0 " + wheel + ": cached"), anonymous[1]);
                assertTrue(anonymous[1].contains("pypi fixture_b 1.0 simple/fixture-b/: failed: Airlock's simple/fixture-b/ lists no file of version 1.0"),
                        anonymous[1]);
                assertTrue(anonymous[1].contains("prefetch: 1 cached, 0 held, 1 failed"), anonymous[1]);
                assertEquals(0, fixture.fileRequests(Dists.sdistFilename("Fixture.A", "1.0")), "only the hashed file");

                String[] explained = airlock("prefetch", requirements.toString(), "--server", server, "--token", airlock.adminToken());
                assertEquals("1", explained[0], explained[1] + explained[2]);
                assertTrue(explained[1].contains("pypi fixture_b 1.0 simple/fixture-b/: denied: ") && explained[1].contains("(release "), explained[1]);

                fixture.stop();
                java.net.http.HttpResponse<byte[]> cached = airlock.get("/pypi/files/fixture-a/" + wheel);
                assertEquals(200, cached.statusCode());
            }
        }
    }
}
