package dev.airlock.npm;

import dev.airlock.core.ecosystem.ContentFacts;
import dev.airlock.core.ecosystem.ReleaseFacts;
import dev.airlock.npm.fixture.TarGz;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading npm tarballs as npm unpacks them: decoys, duplicates, broken headers, links, native builds. */
class TarballInspectorTest {

    private static final ReleaseFacts NO_SCRIPTS = new ReleaseFacts("1.0.0", null, null, null, Map.of(), Map.of("dep", "^1.0.0"));

    @TempDir
    Path tmp;

    private ContentFacts read(List<TarGz.Entry> entries, ReleaseFacts registry) throws Exception {
        return TarballInspector.inspect("x-1.0.0.tgz", Files.write(tmp.resolve("x.tgz"), TarGz.tgz(entries)), registry);
    }

    private static TarGz.Entry file(String name, String content) {
        return TarGz.Entry.file(name, content.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aMatchingManifestIsClean() throws Exception {
        ContentFacts f = read(List.of(file("package/package.json", "{\"name\":\"x\",\"dependencies\":{\"dep\":\"^1.0.0\"}}"),
                file("package/index.js", "module.exports = 1")), NO_SCRIPTS);
        assertEquals(ContentFacts.NONE, f.withEvidence(Map.of(), Map.of()), "no findings");
    }

    @Test
    void aRootLevelDecoyIsNotTheManifestNpmUses() throws Exception {
        // npm strips the first path component, so "package.json" at the root is dropped and "package/package.json" is used.
        ContentFacts f = read(List.of(file("package.json", "{\"name\":\"x\",\"dependencies\":{\"dep\":\"^1.0.0\"}}"),
                file("package/package.json", "{\"name\":\"x\",\"dependencies\":{\"dep\":\"^1.0.0\"},\"scripts\":{\"postinstall\":\"node x.js\"}}")),
                NO_SCRIPTS);
        assertEquals("registry: none; tarball: node x.js", f.mismatches().get("scripts.postinstall"), f.toString());
    }

    @Test
    void twoManifestsAreAnAnomaly() throws Exception {
        ContentFacts f = read(List.of(file("package/package.json", "{\"name\":\"x\",\"dependencies\":{\"dep\":\"^1.0.0\"}}"),
                file("other/package.json", "{\"name\":\"x\"}")), NO_SCRIPTS);
        assertTrue(f.anomalies().stream().anyMatch(a -> a.contains("more than one package.json")), f.toString());
    }

    @Test
    void linksTraversalAndANativeBuildAreFound() throws Exception {
        ContentFacts f = read(List.of(file("package/package.json", "{\"name\":\"x\",\"dependencies\":{\"dep\":\"^1.0.0\"}}"),
                TarGz.Entry.symlink("package/key", "/etc/shadow"), file("package/../../evil", "x"), file("package/binding.gyp", "{}")),
                NO_SCRIPTS);
        assertTrue(f.anomalies().stream().anyMatch(a -> a.contains("symbolic link: package/key")), f.toString());
        assertTrue(f.anomalies().stream().anyMatch(a -> a.contains("unsafe path")), f.toString());
        assertTrue(f.installHooks().containsKey("binding.gyp"), f.toString());
        // The registry manifest declaring npm's implicit node-gyp build is no contradiction.
        ReleaseFacts declared = new ReleaseFacts("1.0.0", null, null, null, Map.of("install", "node-gyp rebuild"), Map.of("dep", "^1.0.0"));
        ContentFacts g = read(List.of(file("package/package.json", "{\"name\":\"x\",\"dependencies\":{\"dep\":\"^1.0.0\"}}"),
                file("package/binding.gyp", "{}")), declared);
        assertTrue(g.mismatches().isEmpty() && g.installHooks().isEmpty(), g.toString());
    }

    @Test
    void aBindingGypWithGypfileFalseIsNoInstallHook() throws Exception {
        // better-sqlite3 13.2.0: package.json and binding.gyp as published (the rest of the tarball left out).
        // npm runs node-gyp only for binding.gyp with no install script and gypfile not false; this one says false.
        Path real = Path.of(getClass().getResource("/real/better-sqlite3-13.2.0-trimmed.tgz").toURI());
        ReleaseFacts registry = new ReleaseFacts("13.2.0", null, null, null, Map.of(), Map.of("node-addon-api", "^8.0.0"));
        assertEquals(ContentFacts.NONE, TarballInspector.inspect("better-sqlite3-13.2.0.tgz", real, registry)
                .withEvidence(Map.of(), Map.of()), "no findings");

        // Without "gypfile": false the same binding.gyp is npm's implicit build.
        ContentFacts g = read(List.of(file("package/package.json", "{\"name\":\"x\",\"dependencies\":{\"dep\":\"^1.0.0\"}}"),
                file("package/binding.gyp", "{}")), NO_SCRIPTS);
        assertEquals("registry: none; tarball: node-gyp rebuild", g.mismatches().get("scripts.install"), g.toString());
        assertTrue(g.installHooks().containsKey("binding.gyp"), g.toString());
    }

    @Test
    void scriptsAreComparedAsNpmNormalisesThem() throws Exception {
        // npm publish strips "node_modules/.bin/" from the registry's copy; an empty script runs nothing.
        ReleaseFacts registry = new ReleaseFacts("1.0.0", null, null, null, Map.of("postinstall", "husky install"), Map.of("dep", "^1.0.0"));
        ContentFacts f = read(List.of(file("package/package.json", "{\"name\":\"x\",\"dependencies\":{\"dep\":\"^1.0.0\"},"
                + "\"scripts\":{\"postinstall\":\"./node_modules/.bin/husky install\",\"preinstall\":\"\",\"install\":7}}")), registry);
        assertEquals(ContentFacts.NONE, f.withEvidence(Map.of(), Map.of()), "no findings");
        // A binding.gyp outside the package root is not npm's implicit build.
        ContentFacts deep = read(List.of(file("package/package.json", "{\"name\":\"x\",\"dependencies\":{\"dep\":\"^1.0.0\"}}"),
                file("package/deps/binding.gyp", "{}")), NO_SCRIPTS);
        assertEquals(ContentFacts.NONE, deep.withEvidence(Map.of(), Map.of()), "no findings");
    }

    @Test
    void aBrokenHeaderChecksumStopsTheReadingAsAnAnomaly() throws Exception {
        byte[] tar = gunzip(TarGz.tgz(List.of(file("package/package.json", "{\"name\":\"x\"}"))));
        tar[0] ^= 1; // the name changes, the stored checksum no longer matches
        Path f = Files.write(tmp.resolve("bad.tgz"), gzip(tar));
        ContentFacts facts = TarballInspector.inspect("x-1.0.0.tgz", f, NO_SCRIPTS);
        assertTrue(facts.anomalies().stream().anyMatch(a -> a.contains("checksum is wrong")), facts.toString());
    }

    @Test
    void entriesAfterOneZeroBlockAreStillRead() throws Exception {
        byte[] first = gunzip(TarGz.tgz(List.of(file("package/package.json", "{\"name\":\"x\",\"dependencies\":{\"dep\":\"^1.0.0\"}}"))));
        byte[] second = gunzip(TarGz.tgz(List.of(TarGz.Entry.symlink("package/hidden", "/root"))));
        // The first archive's entries, one zero block, then the second archive.
        int firstEntries = 512 + 512;
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        joined.write(first, 0, firstEntries);
        joined.write(new byte[512]);
        joined.write(second);
        ContentFacts facts = TarballInspector.inspect("x-1.0.0.tgz", Files.write(tmp.resolve("j.tgz"), gzip(joined.toByteArray())), NO_SCRIPTS);
        assertTrue(facts.anomalies().stream().anyMatch(a -> a.contains("after an end-of-archive block")), facts.toString());
        assertTrue(facts.anomalies().stream().anyMatch(a -> a.contains("symbolic link: package/hidden")), facts.toString());
    }

    @Test
    void theFilesInstallScriptsRunAreKeptAsTextWithTheListing() throws Exception {
        // A reviewer reads what the hook runs: the files its commands name (as node resolves them) and binding.gyp for
        // a native build, whichever order the archive has them in; every file is listed with its size and CRC-32.
        ReleaseFacts registry = new ReleaseFacts("1.0.0", null, null, null,
                Map.of("postinstall", "node scripts/setup && sh ./fix.sh", "install", "node-gyp-build"), Map.of());
        ContentFacts f = read(List.of(file("package/scripts/setup.js", "console.log('setup')\n"), file("package/fix.sh", "rm -rf /tmp/x\n"),
                file("package/binding.gyp", "{\"targets\":[]}"), file("package/lib/index.js", "module.exports = 1;\n"),
                file("package/package.json", "{\"name\":\"x\",\"version\":\"1.0.0\",\"scripts\":{\"postinstall\":"
                        + "\"node scripts/setup && sh ./fix.sh\",\"install\":\"node-gyp-build\"}}")), registry);
        assertEquals(Map.of("scripts/setup.js", "console.log('setup')\n", "fix.sh", "rm -rf /tmp/x\n", "binding.gyp", "{\"targets\":[]}"),
                f.hookFiles());
        assertEquals(5, f.files().size(), f.files().toString());
        assertEquals(21, f.files().get("scripts/setup.js").size());
        assertEquals(Long.toHexString(crc("module.exports = 1;\n")), f.files().get("lib/index.js").crc32());

        ContentFacts none = read(List.of(file("package/package.json", "{\"name\":\"x\"}"), file("package/index.js", "x")), NO_SCRIPTS);
        assertEquals(Map.of(), none.hookFiles(), "no install script, nothing to read twice");
        assertEquals(2, none.files().size());
    }

    private static long crc(String s) {
        java.util.zip.CRC32 c = new java.util.zip.CRC32();
        c.update(s.getBytes(StandardCharsets.UTF_8));
        return c.getValue();
    }

    private static byte[] gunzip(byte[] gz) throws Exception {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }

    private static byte[] gzip(byte[] raw) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(out)) {
            g.write(raw);
        }
        return out.toByteArray();
    }
}
