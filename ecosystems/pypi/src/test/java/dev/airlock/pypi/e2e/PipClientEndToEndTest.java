package dev.airlock.pypi.e2e;

import dev.airlock.core.testing.ClientProcess;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real pip installs through a running Airlock from a fixture index on loopback, isolated from
 * the machine's own pip configuration (its file:// indexes and find-links are never consulted).
 */
class PipClientEndToEndTest {

    @AfterAll
    static void noBufferLeaked() throws InterruptedException {
        NettyLeaks.assertNone();
    }

    @TempDir
    Path tmp;

    private static FixturePypiIndex.Builder index() {
        return FixturePypiIndex.builder()
                .project("Fixture.A", p -> p
                        .release("1.0", r -> r.wheel().sdist().dependency("fixture-b>=1.0").dependency("Fixture_C"))
                        .release("1.1", r -> r.wheel().yanked("broken build"))
                        .release("2.0", r -> r.wheel().requiresPython(">=3.99")))
                .project("fixture-b", p -> p.release("0.9", r -> r.wheel()).release("1.0", r -> r.wheel()))
                .project("fixture_c", p -> p.release("3.0", r -> r.wheel()));
    }

    private static ClientProcess.Result pip(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("python3", "-m", "pip"));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--isolated", "--no-cache-dir", "--disable-pip-version-check", "--no-input"));
        Map<String, String> env = new HashMap<>();
        env.put("PIP_CONFIG_FILE", "/dev/null");
        env.put("PIP_NO_INPUT", "1");
        return ClientProcess.run(dir, env, 300, cmd);
    }

    @Test
    void installThroughAirlockThenAgainWithTheIndexStopped() throws Exception {
        // pip resolves a small tree (normalised names, yanked and requires-python excluded) via PEP 658 metadata,
        // downloads each wheel once, and installs again from Airlock's cache with the index gone.
        try (FixturePypiIndex fixture = index().start();
             RunningAirlock airlock = RunningAirlock.start(tmp.resolve("data"), Duration.ZERO,
                     Map.of("pypi", URI.create(fixture.simpleUrl())))) {
            String indexUrl = airlock.uri("/pypi/simple/").toString();
            ClientProcess.Result r = pip(tmp, "install", "--index-url", indexUrl, "--target", tmp.resolve("t1").toString(), "fixture-a");
            assertEquals(0, r.exitCode(), r.both());
            assertInstalled(tmp.resolve("t1"), "Fixture_A-1.0", "fixture_b-1.0", "fixture_c-3.0");

            String wheelA = Dists.wheelFilename("Fixture.A", "1.0");
            assertEquals(1, fixture.fileRequests(wheelA), "the wheel was fetched upstream once");
            assertTrue(fixture.metadataRequests(wheelA) >= 1, "pip used the PEP 658 metadata path");

            fixture.stop();
            ClientProcess.Result again = pip(tmp, "install", "--index-url", indexUrl, "--target", tmp.resolve("t2").toString(), "fixture-a");
            assertEquals(0, again.exitCode(), again.both());
            assertInstalled(tmp.resolve("t2"), "Fixture_A-1.0", "fixture_b-1.0", "fixture_c-3.0");
        }
    }

    @Test
    void metadataTheIndexOffersIsServedFromTheWheelAirlockAlreadyRead() throws Exception {
        // A PEP 691 index with PEP 658 metadata: Airlock reads the newest wheel before listing the
        // project, and the METADATA in it is the file the index declares (same sha256). pip's request
        // for the metadata is answered from that, without another round trip upstream.
        try (FixturePypiIndex fixture = index().start();
             RunningAirlock airlock = RunningAirlock.start(tmp.resolve("data"), Duration.ZERO,
                     Map.of("pypi", URI.create(fixture.simpleUrl())))) {
            String indexUrl = airlock.uri("/pypi/simple/").toString();
            ClientProcess.Result r = pip(tmp, "install", "--index-url", indexUrl, "--target", tmp.resolve("t1").toString(), "fixture-c");
            assertEquals(0, r.exitCode(), r.both());
            assertInstalled(tmp.resolve("t1"), "fixture_c-3.0");
            String wheelC = Dists.wheelFilename("fixture_c", "3.0");
            assertTrue(r.both().contains("Obtaining dependency information for fixture-c from "
                    + airlock.uri("/pypi/files/fixture-c/" + wheelC + ".metadata")), r.both());
            assertEquals(1, fixture.fileRequests(wheelC), "the wheel was fetched upstream once");
            assertEquals(0, fixture.metadataRequests(wheelC), "the metadata came from the wheel Airlock holds");
        }
    }

    @Test
    void aStaticIndexGainsPep658MetadataOnceAirlockHoldsTheWheels() throws Exception {
        // A static tree (relative links, no data-* attributes) offers pip no metadata. Airlock extracts each wheel's
        // METADATA as it caches it, so the next resolution uses the PEP 658 path (pip checks the advertised hash),
        // even with the index stopped.
        try (FixturePypiIndex fixture = index().json(false).relativeLinks(true).coreMetadata(false).start();
             RunningAirlock airlock = RunningAirlock.start(tmp.resolve("data"), Duration.ofMinutes(5),
                     Map.of("pypi", URI.create(fixture.simpleUrl())))) {
            String indexUrl = airlock.uri("/pypi/simple/").toString();
            ClientProcess.Result first = pip(tmp, "install", "--index-url", indexUrl, "--target", tmp.resolve("t1").toString(), "fixture-a");
            assertEquals(0, first.exitCode(), first.both());
            // (Airlock reads each project's newest pure wheel before listing it, for the policy, so its metadata may
            // already be offered on this first resolution.)
            assertInstalled(tmp.resolve("t1"), "Fixture_A-1.0", "fixture_b-1.0", "fixture_c-3.0");

            fixture.stop();
            ClientProcess.Result again = pip(tmp, "install", "--index-url", indexUrl, "--target", tmp.resolve("t2").toString(), "fixture-a");
            assertEquals(0, again.exitCode(), again.both());
            String wheelA = Dists.wheelFilename("Fixture.A", "1.0");
            assertTrue(again.both().contains("Obtaining dependency information for fixture-a from "
                    + airlock.uri("/pypi/files/fixture-a/" + wheelA + ".metadata")), again.both());
            assertInstalled(tmp.resolve("t2"), "Fixture_A-1.0", "fixture_b-1.0", "fixture_c-3.0");
            assertEquals(1, fixture.fileRequests(wheelA), "the wheel was fetched upstream once");
            assertEquals(0, fixture.metadataRequests(wheelA), "the metadata came from Airlock, not upstream");
        }
    }

    @Test
    void anSdistOnlyReleaseIsHeldUnderInstallHooksAll() throws Exception {
        // installHooks: all holds a release whose only file is an sdist (pip would run its build); pip gets the
        // previous version, which has a wheel, and the held one is not offered at all.
        try (FixturePypiIndex fixture = FixturePypiIndex.builder()
                .project("buildy", p -> p.release("1.0", r -> r.wheel().sdist()).release("1.1", r -> r.sdist())).start()) {
            dev.airlock.config.AirlockConfig c = dev.airlock.config.ConfigLoader.parse("server: { port: 0 }\npolicy: { installHooks: all }\n"
                    + "upstreams: { pypi: { url: '" + fixture.simpleUrl() + "' } }\n", "hooks.yaml").withStoragePath(tmp.resolve("data"));
            try (RunningAirlock airlock = RunningAirlock.start(c)) {
                String indexUrl = airlock.uri("/pypi/simple/").toString();
                ClientProcess.Result r = pip(tmp, "install", "--index-url", indexUrl, "--target", tmp.resolve("t").toString(), "buildy");
                assertEquals(0, r.exitCode(), r.both());
                assertInstalled(tmp.resolve("t"), "buildy-1.0");
                ClientProcess.Result pinned = pip(tmp, "download", "--index-url", indexUrl, "--no-deps", "-d", tmp.resolve("d").toString(),
                        "buildy==1.1");
                assertNotEquals(0, pinned.exitCode());
                assertTrue(pinned.both().contains("No matching distribution found for buildy==1.1"), pinned.both());
                String sdist = Dists.sdistFilename("buildy", "1.1");
                java.net.http.HttpResponse<byte[]> file = airlock.get("/pypi/files/buildy/" + sdist);
                assertEquals(403, file.statusCode());
                assertTrue(new String(file.body(), java.nio.charset.StandardCharsets.UTF_8).contains("sdist only"));
            }
        }
    }

    @Test
    void aWheelShippingAPthFileIsHeldAndThePreviousVersionInstalled() throws Exception {
        // LiteLLM (2026) shape: a new version's wheel ships a .pth file, code Python runs at every start. Airlock reads
        // the newest wheel before listing it: pip installs the previous version, and the wheel answers 403 naming it.
        try (FixturePypiIndex fixture = FixturePypiIndex.builder()
                .project("litellm-x", p -> p.release("1.0", r -> r.wheel())
                        .release("1.1", r -> r.wheel().extraFile("litellm_init.pth", "import os; exec('print(1)')\n"))).start();
             RunningAirlock airlock = RunningAirlock.start(tmp.resolve("data"), Duration.ofMinutes(5),
                     Map.of("pypi", URI.create(fixture.simpleUrl())))) {
            String indexUrl = airlock.uri("/pypi/simple/").toString();
            ClientProcess.Result r = pip(tmp, "install", "--index-url", indexUrl, "--target", tmp.resolve("t").toString(), "litellm-x");
            assertEquals(0, r.exitCode(), r.both());
            assertInstalled(tmp.resolve("t"), "litellm_x-1.0");
            java.net.http.HttpResponse<byte[]> wheel = airlock.get("/pypi/files/litellm-x/" + Dists.wheelFilename("litellm-x", "1.1"));
            assertEquals(403, wheel.statusCode());
            String body = new String(wheel.body(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(body.contains("litellm_init.pth") && body.contains("every Python start"), body);

            // The reviewer reads the .pth file itself, and sees it is what the wheel added against 1.0.
            String id = new com.fasterxml.jackson.databind.ObjectMapper().readTree(wheel.body()).path("releaseId").asText();
            com.fasterxml.jackson.databind.JsonNode ev = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(airlock.admin("GET", "quarantine/" + id, airlock.adminToken(), null).body()).path("evidence");
            assertEquals("import os; exec('print(1)')\n", ev.at("/hookFiles/litellm_init.pth").asText(), ev.toString());
            assertTrue(ev.at("/files/added").toString().contains("\"path\":\"litellm_init.pth\""), ev.toString());
        }
    }

    @Test
    void downloadWithRequireHashes() throws Exception {
        // A hash-pinned requirements file downloads through Airlock; the hashes pip checks are the index's.
        try (FixturePypiIndex fixture = index().start();
             RunningAirlock airlock = RunningAirlock.start(tmp.resolve("data"), Duration.ofMinutes(5),
                     Map.of("pypi", URI.create(fixture.simpleUrl())))) {
            String wheel = Dists.wheelFilename("fixture-b", "1.0");
            Files.writeString(tmp.resolve("requirements.txt"), "fixture-b==1.0 --hash=sha256:" + fixture.sha256(wheel) + "\n");
            ClientProcess.Result r = pip(tmp, "download", "--index-url", airlock.uri("/pypi/simple/").toString(), "--no-deps",
                    "--require-hashes", "-r", "requirements.txt", "-d", tmp.resolve("d").toString());
            assertEquals(0, r.exitCode(), r.both());
            assertTrue(Files.isRegularFile(tmp.resolve("d").resolve(wheel)));
        }
    }

    @Test
    void aFileThatDoesNotMatchItsHashFailsWithAirlocksMessage() throws Exception {
        // Tampered bytes never reach pip; pip shows Airlock's reason; nothing is cached.
        try (FixturePypiIndex fixture = index().start();
             RunningAirlock airlock = RunningAirlock.start(tmp.resolve("data"), Duration.ofMinutes(5),
                     Map.of("pypi", URI.create(fixture.simpleUrl())))) {
            String wheel = Dists.wheelFilename("fixture_c", "3.0");
            fixture.corruptFile(wheel);
            ClientProcess.Result r = pip(tmp, "install", "--index-url", airlock.uri("/pypi/simple/").toString(),
                    "--target", tmp.resolve("t").toString(), "fixture-c");
            assertNotEquals(0, r.exitCode());
            assertTrue(r.both().contains("integrity check failed for " + wheel), r.both());
            try (Stream<Path> blobs = Files.walk(airlock.dataDir().resolve("blobs"))) {
                assertTrue(blobs.filter(Files::isRegularFile).noneMatch(p -> {
                    try {
                        return Files.size(p) == fixture.file(wheel).length;
                    } catch (Exception e) {
                        return false;
                    }
                }), "the tampered wheel was not committed");
            }
        }
    }

    @Test
    void pip26UploadedPriorToReadsUploadTimesThroughAirlock() throws Exception {
        // pip 26 refuses an index without PEP 700 upload-time for --uploaded-prior-to; through Airlock it picks the older release.
        Path wheel;
        try (Stream<Path> s = Files.list(Path.of("/opt/pypi/files"))) {
            wheel = s.filter(p -> p.getFileName().toString().startsWith("pip-26.")).findFirst().orElse(null);
        } catch (java.io.IOException e) {
            wheel = null;
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(wheel != null,
                "needs a pip 26 wheel in the machine's local wheel index (/opt/pypi/files) to install pip 26 offline");
        Path venv = tmp.resolve("venv");
        assertEquals(0, ClientProcess.run(tmp, Map.of(), 300, List.of("python3", "-m", "venv", venv.toString())).exitCode());
        Path python = venv.resolve("bin/python");
        ClientProcess.Result up = ClientProcess.run(tmp, Map.of("PIP_CONFIG_FILE", "/dev/null"), 300, List.of(python.toString(), "-m", "pip",
                "install", "--isolated", "--no-index", "--disable-pip-version-check", wheel.toString()));
        assertEquals(0, up.exitCode(), up.both());
        try (FixturePypiIndex fixture = FixturePypiIndex.builder().project("fixture-b", p -> p
                        .release("0.9", r -> r.wheel().uploadTime(java.time.Instant.parse("2024-01-02T10:00:00Z")))
                        .release("1.0", r -> r.wheel().uploadTime(java.time.Instant.parse("2024-01-03T10:00:00Z")))).start();
             RunningAirlock airlock = RunningAirlock.start(tmp.resolve("data"), Duration.ofMinutes(5),
                     Map.of("pypi", URI.create(fixture.simpleUrl())))) {
            ClientProcess.Result r = pip26(python, airlock, "2024-01-03T00:00:00Z", tmp.resolve("t"), "fixture-b");
            assertEquals(0, r.exitCode(), r.both());
            assertInstalled(tmp.resolve("t"), "fixture_b-0.9");
        }

        // A static index states no upload times; Airlock gives the time it first saw each file, an upper bound:
        // a cut-off after that installs, one before it finds nothing (never a file newer than the cut-off).
        try (FixturePypiIndex fixture = FixturePypiIndex.builder().json(false).relativeLinks(true).coreMetadata(false)
                .project("fixture-c", p -> p.release("1.0", r -> r.wheel())).start();
             RunningAirlock airlock = RunningAirlock.start(tmp.resolve("data2"), Duration.ofMinutes(5),
                     Map.of("pypi", URI.create(fixture.simpleUrl())))) {
            java.time.Instant now = java.time.Instant.now();
            ClientProcess.Result later = pip26(python, airlock, now.plus(Duration.ofDays(1)).toString(), tmp.resolve("t2"), "fixture-c");
            assertEquals(0, later.exitCode(), later.both());
            assertInstalled(tmp.resolve("t2"), "fixture_c-1.0");
            ClientProcess.Result earlier = pip26(python, airlock, now.minus(Duration.ofDays(1)).toString(), tmp.resolve("t3"), "fixture-c");
            assertNotEquals(0, earlier.exitCode());
            assertTrue(earlier.both().contains("No matching distribution found for fixture-c"), earlier.both());
            assertTrue(!earlier.both().contains("does not provide upload-time"), earlier.both());
        }
    }

    private ClientProcess.Result pip26(Path python, RunningAirlock airlock, String cutoff, Path target, String project) throws Exception {
        return ClientProcess.run(tmp, Map.of("PIP_CONFIG_FILE", "/dev/null"), 300, List.of(python.toString(), "-m", "pip",
                "install", "--isolated", "--no-cache-dir", "--disable-pip-version-check", "--index-url", airlock.uri("/pypi/simple/").toString(),
                "--uploaded-prior-to", cutoff, "--target", target.toString(), project));
    }

    private static void assertInstalled(Path target, String... distInfos) throws Exception {
        for (String d : distInfos) {
            assertTrue(Files.isDirectory(target.resolve(d + ".dist-info")), d + " installed in " + target + ": "
                    + String.join(", ", list(target)));
        }
    }

    private static List<String> list(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (java.nio.file.NoSuchFileException e) {
            return List.of();
        }
    }
}
