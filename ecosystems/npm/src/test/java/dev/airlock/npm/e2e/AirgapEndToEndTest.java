package dev.airlock.npm.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.config.AirlockConfig;
import dev.airlock.config.CacheConfig;
import dev.airlock.config.ConfigLoader;
import dev.airlock.config.UpstreamConfig;
import dev.airlock.core.airgap.ExportKey;
import dev.airlock.core.testing.ClientProcess;
import dev.airlock.core.testing.RunningAirlock;
import dev.airlock.npm.fixture.FixtureNpmRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The air-gap procedure with the real npm client: an outside Airlock fed by the fixture
 * registry is filled with `airlock prefetch` from the lock npm wrote, and exports a signed bundle; an inside Airlock, offline, imports it and `npm ci` installs
 * the locked project from it with no registry running. Tampered bundles are refused and leave
 * the inside unchanged.
 */
class AirgapEndToEndTest {

    private static final ObjectMapper M = new ObjectMapper();

    @TempDir
    Path tmp;

    private static String[] airlock(String... args) {
        return dev.airlock.cli.testing.Cli.run(args);
    }

    private ClientProcess.Result npm(RunningAirlock airlock, Path dir, String home, String... args) throws Exception {
        Map<String, String> env = new java.util.HashMap<>(NpmClient.env(tmp.resolve(home), airlock, true));
        // The lock names the outside Airlock's address: npm fetches from the configured registry instead.
        env.put("npm_config_replace_registry_host", "always");
        List<String> cmd = new ArrayList<>(List.of("npm"));
        cmd.addAll(List.of(args));
        return ClientProcess.run(dir, env, 300, cmd);
    }

    /** What the inside holds: every file under its data directory with its size (the state database included). */
    private static Map<String, Long> snapshot(Path data) throws Exception {
        Map<String, Long> out = new java.util.TreeMap<>();
        if (!Files.isDirectory(data)) {
            return out;
        }
        try (Stream<Path> files = Files.walk(data)) {
            for (Path p : files.filter(Files::isRegularFile).filter(p -> !p.toString().contains("/tmp/")).toList()) {
                out.put(data.relativize(p).toString(), Files.size(p));
            }
        }
        return out;
    }

    @Test
    void aSignedBundleCarriesALockedProjectIntoAnOfflineMirrorAndTamperedOnesAreRefused() throws Exception {
        Path outside = tmp.resolve("outside");
        Path inside = tmp.resolve("inside");
        Path project = tmp.resolve("project");
        Files.createDirectories(project);
        Files.writeString(project.resolve("package.json"), "{\"name\":\"app\",\"version\":\"1.0.0\",\"private\":true,"
                + "\"dependencies\":{\"left-box\":\"1.0.0\",\"right-box\":\"^2.0.0\"}}");
        AirlockConfig base = ConfigLoader.defaults().withPort(0).withCache(new CacheConfig(Duration.ofMinutes(5), 64L * 1024 * 1024));
        try (FixtureNpmRegistry registry = FixtureNpmRegistry.builder()
                .pkg("left-box", p -> p.version("1.0.0", v -> v.npmUser("ann", "ann@example.test").dependency("right-box", "^2.0.0")))
                .pkg("right-box", p -> p.version("2.0.0", v -> v.npmUser("ann", "ann@example.test"))
                        .version("2.1.0", v -> v.npmUser("ann", "ann@example.test")))
                .start();
             RunningAirlock out = RunningAirlock.start(base.withStoragePath(outside)
                     .withUpstream("npm", UpstreamConfig.empty().withUrl(URI.create(registry.baseUrl()))))) {
            // The project's lock, as npm writes it (metadata only); then prefetch fills the outside from it.
            ClientProcess.Result locked = npm(out, project, "home-out", "install", "--package-lock-only");
            assertEquals(0, locked.exitCode(), locked.both());
            String[] fetched = airlock("prefetch", project.resolve("package-lock.json").toString(), "--server",
                    "http://127.0.0.1:" + out.port());
            assertEquals("0", fetched[0], fetched[1] + fetched[2]);
            assertTrue(fetched[1].contains("prefetch: 2 cached, 0 held, 0 failed"), fetched[1]);
        }
        String lock = Files.readString(project.resolve("package-lock.json"));
        assertTrue(lock.contains("\"lockfileVersion\": 3") && lock.contains("right-box-2.1.0.tgz"), lock);

        Path bundle = tmp.resolve("mirror.zip");
        String[] exported = airlock("export", "--out", bundle.toString(), "--data", outside.toString());
        assertEquals("0", exported[0], exported[2]);
        assertTrue(exported[1].contains("files of 2 packages"), exported[1]);
        Path pub = outside.resolve("keys/export.pub");
        assertTrue(Files.readString(pub).startsWith("airlock-export-key ed25519 "));

        // Tampered copies first: each is refused and the inside stays as it was (empty).
        Map<String, Long> before = snapshot(inside);
        ExportKey trustedSigner = ExportKey.loadOrCreate(outside);
        ExportKey stranger = ExportKey.loadOrCreate(tmp.resolve("stranger"));
        Map<String, String> tampered = new LinkedHashMap<>();
        tampered.put("a byte changed in an artifact", rewrite(bundle, "flip", null, null).toString());
        tampered.put("the manifest edited", rewrite(bundle, "manifest", null, null).toString());
        tampered.put("re-signed by another key", rewrite(bundle, "resign", stranger, null).toString());
        tampered.put("a traversal path, signed by the trusted key", rewrite(bundle, "traversal", trustedSigner, null).toString());
        Path truncated = tmp.resolve("truncated.zip");
        byte[] whole = Files.readAllBytes(bundle);
        Files.write(truncated, java.util.Arrays.copyOf(whole, whole.length * 2 / 3));
        tampered.put("a truncated file", truncated.toString());
        for (Map.Entry<String, String> t : tampered.entrySet()) {
            String[] refused = airlock("import", t.getValue(), "--trusted-key", pub.toString(), "--data", inside.toString());
            assertEquals("1", refused[0], t.getKey() + ": " + refused[1] + refused[2]);
            assertTrue(refused[2].contains("bundle refused, nothing was changed"), t.getKey() + ": " + refused[2]);
            Map<String, Long> after = snapshot(inside);
            after.keySet().removeIf(k -> k.startsWith("state.db")); // opening the store creates it; its rows are checked below
            Map<String, Long> was = new java.util.TreeMap<>(before);
            was.keySet().removeIf(k -> k.startsWith("state.db"));
            assertEquals(was, after, t.getKey() + " changed the inside");
        }

        String[] imported = airlock("import", bundle.toString(), "--trusted-key", pub.toString(), "--data", inside.toString());
        assertEquals("0", imported[0], imported[2]);
        assertTrue(imported[1].contains("2 files added"), imported[1]);
        String[] again = airlock("import", bundle.toString(), "--trusted-key", pub.toString(), "--data", inside.toString());
        assertEquals("0", again[0], again[2]);
        assertTrue(again[1].contains("0 files added, 2 already here"), "idempotent: " + again[1]);

        try (RunningAirlock in = RunningAirlock.start(base.withStoragePath(inside).withOffline(true))) {
            Path clean = tmp.resolve("clean");
            Files.createDirectories(clean);
            Files.copy(project.resolve("package.json"), clean.resolve("package.json"));
            Files.copy(project.resolve("package-lock.json"), clean.resolve("package-lock.json"));
            ClientProcess.Result ci = npm(in, clean, "home-in", "ci");
            assertEquals(0, ci.exitCode(), ci.both());
            assertEquals("2.1.0", M.readTree(clean.resolve("node_modules/right-box/package.json").toFile()).get("version").asText());
            assertEquals(404, in.get("/npm/not-carried").statusCode());
        }
    }

    /**
     * A copy of the bundle with one thing changed: "flip" a byte of the first blob, "manifest" a
     * size in the manifest (signature kept), "resign" the manifest signed by {@code key}, or
     * "traversal" an extra entry "../escape" listed in a manifest signed by {@code key}.
     */
    private Path rewrite(Path bundle, String how, ExportKey key, Object unused) throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream zin = new ZipInputStream(Files.newInputStream(bundle))) {
            for (ZipEntry e; (e = zin.getNextEntry()) != null; ) {
                entries.put(e.getName(), zin.readAllBytes());
            }
        }
        switch (how) {
            case "flip" -> {
                String blob = entries.keySet().stream().filter(k -> k.startsWith("blobs/")).findFirst().orElseThrow();
                entries.get(blob)[entries.get(blob).length / 2] ^= 1;
            }
            case "manifest" -> {
                ObjectNode m = (ObjectNode) M.readTree(entries.get("manifest.json"));
                ((ObjectNode) m.path("files").get(0)).put("size", m.path("files").get(0).path("size").asLong() + 1);
                entries.put("manifest.json", M.writerWithDefaultPrettyPrinter().writeValueAsBytes(m));
            }
            case "resign" -> entries.put("manifest.sig", Base64.getEncoder().encode(key.sign(entries.get("manifest.json"))));
            case "traversal" -> {
                byte[] evil = "owned".getBytes(StandardCharsets.UTF_8);
                ObjectNode m = (ObjectNode) M.readTree(entries.get("manifest.json"));
                ((com.fasterxml.jackson.databind.node.ArrayNode) m.path("files")).addObject().put("path", "../escape")
                        .put("sha256", java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(evil)))
                        .put("size", evil.length);
                byte[] mb = M.writerWithDefaultPrettyPrinter().writeValueAsBytes(m);
                entries.put("manifest.json", mb);
                entries.put("manifest.sig", Base64.getEncoder().encode(key.sign(mb)));
                entries.put("../escape", evil);
            }
            default -> throw new IllegalArgumentException(how);
        }
        Path out = tmp.resolve(how + ".zip");
        try (ZipOutputStream zout = new ZipOutputStream(Files.newOutputStream(out))) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zout.putNextEntry(new ZipEntry(e.getKey()));
                zout.write(e.getValue());
                zout.closeEntry();
            }
        }
        return out;
    }
}
