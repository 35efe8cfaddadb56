package dev.airlock.pypi.e2e;

import dev.airlock.config.AirlockConfig;
import dev.airlock.config.CacheConfig;
import dev.airlock.config.ConfigLoader;
import dev.airlock.config.UpstreamConfig;
import dev.airlock.core.testing.ClientProcess;
import dev.airlock.core.testing.RunningAirlock;
import dev.airlock.pypi.fixture.Dists;
import dev.airlock.pypi.fixture.FixturePypiIndex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The air-gap procedure with the real pip: an outside Airlock fed by the fixture index serves a
 * small dependency tree to {@code pip download}; a hash-pinned {@code requirements.txt} is written
 * from the files pip got; the outside exports a signed bundle (the command line, in-process); a
 * fresh inside Airlock imports it and, offline with the index stopped,
 * {@code pip install --require-hashes} installs the same tree from it. A version the bundle never
 * carried is not offered.
 */
class PipAirgapEndToEndTest {

    @TempDir
    Path tmp;

    private static FixturePypiIndex.Builder index() {
        return FixturePypiIndex.builder()
                .project("Fixture.A", p -> p
                        .release("1.0", r -> r.wheel().sdist().dependency("fixture-b>=1.0").dependency("Fixture_C")))
                // 0.9 is read by the outside's policy (the release before the newest) and so travels; 0.8 never does.
                .project("fixture-b", p -> p.release("0.8", r -> r.wheel()).release("0.9", r -> r.wheel()).release("1.0", r -> r.wheel()))
                .project("fixture_c", p -> p.release("3.0", r -> r.wheel()));
    }

    private static String[] airlock(String... args) {
        return dev.airlock.cli.testing.Cli.run(args);
    }

    private static ClientProcess.Result pip(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("python3", "-m", "pip"));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--isolated", "--no-cache-dir", "--disable-pip-version-check", "--no-input", "-v"));
        Map<String, String> env = new HashMap<>();
        env.put("PIP_CONFIG_FILE", "/dev/null");
        env.put("PIP_NO_INPUT", "1");
        return ClientProcess.run(dir, env, 300, cmd);
    }

    @Test
    void aHashPinnedTreeCarriedByABundleInstallsFromTheOfflineMirror() throws Exception {
        // The index serves PEP 658 metadata itself: the .metadata files pip read outside are upstream's.
        carry(index(), false);
    }

    @Test
    void aStaticIndexsDerivedMetadataTravelsWithTheBundle() throws Exception {
        // A static index serves no metadata: the outside made each wheel's .metadata (derived files) and the
        // inside must offer and serve them too, or pip would fall back to downloading wheels to resolve.
        carry(index().json(false).relativeLinks(true).coreMetadata(false), true, false);
    }

    @Test
    void prefetchFromAHashPinnedRequirementsFileFillsTheOutside() throws Exception {
        // No client outside at all: `airlock prefetch requirements.txt` fetches the pinned files through the
        // outside Airlock (the same checks as pip's traffic), and the bundle carries them in.
        carry(index().json(false).relativeLinks(true).coreMetadata(false), true, true);
    }

    private void carry(FixturePypiIndex.Builder fixtureBuilder, boolean derivedMetadata) throws Exception {
        carry(fixtureBuilder, derivedMetadata, false);
    }

    private void carry(FixturePypiIndex.Builder fixtureBuilder, boolean derivedMetadata, boolean viaPrefetch) throws Exception {
        Path outside = tmp.resolve("outside");
        Path inside = tmp.resolve("inside");
        Path downloads = tmp.resolve("downloads");
        AirlockConfig base = ConfigLoader.defaults().withPort(0).withCache(new CacheConfig(Duration.ofMinutes(5), 64L * 1024 * 1024));
        Map<String, String> fixtureHashes = new TreeMap<>();
        try (FixturePypiIndex fixture = fixtureBuilder.start();
             RunningAirlock out = RunningAirlock.start(base.withStoragePath(outside)
                     .withUpstream("pypi", UpstreamConfig.empty().withUrl(URI.create(fixture.simpleUrl()))))) {
            for (String f : List.of(Dists.wheelFilename("Fixture.A", "1.0"), Dists.wheelFilename("fixture-b", "1.0"),
                    Dists.wheelFilename("fixture_c", "3.0"))) {
                fixtureHashes.put(f, fixture.sha256(f));
            }
            if (viaPrefetch) {
                Path locked = Files.createDirectories(tmp.resolve("locked")).resolve("requirements.txt");
                Files.writeString(locked, "fixture-a==1.0 --hash=sha256:" + fixtureHashes.get(Dists.wheelFilename("Fixture.A", "1.0")) + "\n"
                        + "fixture-b==1.0 --hash=sha256:" + fixtureHashes.get(Dists.wheelFilename("fixture-b", "1.0")) + "\n"
                        + "fixture-c==3.0 --hash=sha256:" + fixtureHashes.get(Dists.wheelFilename("fixture_c", "3.0")) + "\n");
                String[] fetched = airlock("prefetch", locked.toString(), "--server", "http://127.0.0.1:" + out.port());
                assertEquals("0", fetched[0], fetched[1] + fetched[2]);
                assertTrue(fetched[1].contains("prefetch: 3 cached, 0 held, 0 failed"), fetched[1]);
                Files.createDirectories(downloads);
                for (String f : fixtureHashes.keySet()) {
                    Files.write(downloads.resolve(f), fixture.file(f));
                }
            } else {
                ClientProcess.Result dl = pip(tmp, "download", "--index-url", out.uri("/pypi/simple/").toString(),
                        "--only-binary", ":all:", "-d", downloads.toString(), "fixture-a");
                assertEquals(0, dl.exitCode(), dl.both());
            }
        }
        // The hashes pinned are those of the files pip downloaded, and they are the index's own.
        Map<String, String> downloaded = new TreeMap<>();
        try (Stream<Path> s = Files.list(downloads)) {
            for (Path p : s.toList()) {
                downloaded.put(p.getFileName().toString(), sha256(p));
            }
        }
        assertEquals(fixtureHashes, downloaded, "pip downloaded exactly the tree, byte for byte the index's files");
        StringBuilder req = new StringBuilder();
        req.append("fixture-a==1.0 --hash=sha256:").append(downloaded.get(Dists.wheelFilename("Fixture.A", "1.0"))).append('\n');
        req.append("fixture-b==1.0 --hash=sha256:").append(downloaded.get(Dists.wheelFilename("fixture-b", "1.0"))).append('\n');
        req.append("fixture-c==3.0 --hash=sha256:").append(downloaded.get(Dists.wheelFilename("fixture_c", "3.0"))).append('\n');
        Path project = Files.createDirectories(tmp.resolve("project"));
        Files.writeString(project.resolve("requirements.txt"), req.toString());

        Path bundle = tmp.resolve("mirror.zip");
        String[] exported = airlock("export", "--out", bundle.toString(), "--data", outside.toString());
        assertEquals("0", exported[0], exported[1] + exported[2]);
        Path pub = outside.resolve("keys/export.pub");
        String[] imported = airlock("import", bundle.toString(), "--trusted-key", pub.toString(), "--data", inside.toString());
        assertEquals("0", imported[0], imported[1] + imported[2]);

        // The inside: offline, no upstream configured, and the fixture index is gone.
        try (RunningAirlock in = RunningAirlock.start(base.withStoragePath(inside).withOffline(true))) {
            String indexUrl = in.uri("/pypi/simple/").toString();
            Path target = tmp.resolve("target");
            ClientProcess.Result install = pip(project, "install", "--require-hashes", "-r", "requirements.txt",
                    "--index-url", indexUrl, "--target", target.toString());
            assertEquals(0, install.exitCode(), "exported: " + exported[1] + "\nimported: " + imported[1] + "\n" + install.both());
            for (String d : List.of("Fixture_A-1.0", "fixture_b-1.0", "fixture_c-3.0")) {
                assertTrue(Files.isDirectory(target.resolve(d + ".dist-info")), d + " installed:\n" + install.both());
            }
            // Hash-checking mode downloads wheels to resolve; an unpinned install resolves from the mirror's pages and
            // PEP 658 metadata, carried in the bundle (upstream's documents, or the ones the outside derived), to the
            // same versions: the only ones the mirror lists.
            Path target2 = tmp.resolve("target2");
            ClientProcess.Result byName = pip(project, "install", "--index-url", indexUrl, "--target", target2.toString(), "fixture-a");
            assertEquals(0, byName.exitCode(), byName.both());
            for (String d : List.of("Fixture_A-1.0", "fixture_b-1.0", "fixture_c-3.0")) {
                assertTrue(Files.isDirectory(target2.resolve(d + ".dist-info")), d + " installed:\n" + byName.both());
            }
            for (String wheel : fixtureHashes.keySet()) {
                String project2 = wheel.substring(0, wheel.indexOf('-')).toLowerCase(java.util.Locale.ROOT).replace('_', '-');
                assertTrue(byName.both().contains(" from " + in.uri("/pypi/files/" + project2 + "/" + wheel + ".metadata")), "the metadata of " + wheel
                        + " came across" + (derivedMetadata ? " (derived outside)" : "") + ":\n" + byName.both());
            }

            // What was carried is listed, what was not is not: fixture-b 0.8 exists upstream but was never fetched outside.
            // Asked as pip asks (PEP 691 JSON, the variant the outside stored) and as an HTML-only client asks: the
            // offline mirror renders either from the one stored upstream document.
            for (String accept : List.of(FixturePypiIndex.PIP_ACCEPT, "text/html")) {
                var answer = in.get("/pypi/simple/fixture-b/", "Accept", accept);
                String page = new String(answer.body(), StandardCharsets.UTF_8);
                assertEquals(200, answer.statusCode(), accept + ": " + page);
                assertTrue(page.contains(Dists.wheelFilename("fixture-b", "1.0")), page);
                assertTrue(!page.contains(Dists.wheelFilename("fixture-b", "0.8")), page);
            }
            ClientProcess.Result old = pip(tmp, "download", "--no-deps", "--index-url", indexUrl, "-d", tmp.resolve("d2").toString(),
                    "fixture-b==0.8");
            assertNotEquals(0, old.exitCode(), old.both());
            assertTrue(old.both().contains("No matching distribution found for fixture-b==0.8"), old.both());
            var oldFile = in.get("/pypi/files/fixture-b/" + Dists.wheelFilename("fixture-b", "0.8"));
            assertEquals(404, oldFile.statusCode());
            assertTrue(new String(oldFile.body(), StandardCharsets.UTF_8).contains("not in this mirror"),
                    new String(oldFile.body(), StandardCharsets.UTF_8));
            var unknown = in.get("/pypi/simple/never-carried/");
            assertEquals(404, unknown.statusCode());
            assertTrue(new String(unknown.body(), StandardCharsets.UTF_8).contains("not in this mirror"),
                    new String(unknown.body(), StandardCharsets.UTF_8));
        }
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
