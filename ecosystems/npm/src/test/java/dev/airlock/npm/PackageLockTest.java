package dev.airlock.npm;

import dev.airlock.core.ecosystem.LockedArtifact;
import dev.airlock.core.ecosystem.MetadataException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reading npm lockfiles (v2, v3, shrinkwrap) into the files prefetch asks Airlock for: only
 * registry tarballs, at Airlock's path for the locked name and version, and never a path a
 * hostile lock could steer.
 */
class PackageLockTest {

    private static final NpmEcosystem NPM = new NpmEcosystem();
    private static final String SHA = "sha512-9nZb2XuK5kyxJDjPOKeMkLs9YAp1YkTiTkhRPNQ7iF2wjJFBl8FXs0oH2YAbjHyCIlDqHWE4fVfOovdFaYFJw==";

    /** The shape npm 11 writes with {@code npm install --package-lock-only} (hosts replaced by a placeholder). */
    private static final String V3 = """
            {
              "name": "app",
              "version": "1.0.0",
              "lockfileVersion": 3,
              "requires": true,
              "packages": {
                "": {
                  "name": "app",
                  "version": "1.0.0",
                  "workspaces": ["packages/*"],
                  "dependencies": { "@acme/util": "^1.1.0", "left-pad": "1.3.0", "lp": "npm:left-pad@1.2.0" },
                  "devDependencies": { "tiny-lib": "^2.0.0" }
                },
                "node_modules/@acme/util": {
                  "version": "1.1.0",
                  "resolved": "http://registry.example.test/npm/@acme/util/-/util-1.1.0.tgz",
                  "integrity": "%s",
                  "license": "MIT",
                  "dependencies": { "tiny-lib": "^1.0.0" }
                },
                "node_modules/@acme/util/node_modules/tiny-lib": {
                  "version": "1.0.4",
                  "resolved": "http://registry.example.test/npm/tiny-lib/-/tiny-lib-1.0.4.tgz",
                  "integrity": "sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk= sha512-AAAA"
                },
                "node_modules/left-pad": {
                  "version": "1.3.0",
                  "resolved": "http://registry.example.test/npm/left-pad/-/left-pad-1.3.0.tgz",
                  "integrity": "%s",
                  "deprecated": "use String.prototype.padStart()"
                },
                "node_modules/lp": {
                  "name": "left-pad",
                  "version": "1.2.0",
                  "resolved": "http://registry.example.test/npm/left-pad/-/left-pad-1.2.0.tgz",
                  "integrity": "%s"
                },
                "node_modules/tiny-lib": {
                  "version": "2.0.1",
                  "resolved": "http://registry.example.test/npm/tiny-lib/-/tiny-lib-2.0.1.tgz",
                  "dev": true,
                  "optional": true,
                  "os": ["darwin"]
                },
                "node_modules/tiny-lib/node_modules/bundled-dep": {
                  "version": "0.1.0",
                  "inBundle": true
                },
                "node_modules/my-workspace": { "resolved": "packages/my-workspace", "link": true },
                "packages/my-workspace": { "name": "my-workspace", "version": "0.0.1" },
                "node_modules/from-git": {
                  "version": "1.0.0",
                  "resolved": "git+ssh://git@git.example.test/acme/from-git.git#3f2a1c0",
                  "integrity": null
                },
                "node_modules/from-disk": { "version": "1.0.0", "resolved": "file:../from-disk-1.0.0.tgz" }
              }
            }
            """.formatted(SHA, SHA, SHA);

    private static List<LockedArtifact> read(String name, String content) throws MetadataException {
        return NPM.lockfile(Path.of("project", name), content.getBytes(StandardCharsets.UTF_8)).orElseThrow();
    }

    private static MetadataException refused(String content) {
        return assertThrows(MetadataException.class, () -> read("package-lock.json", content));
    }

    @Test
    void aV3LockNamesEveryRegistryTarballAtAirlocksPath() throws Exception {
        List<LockedArtifact> locked = read("package-lock.json", V3);
        assertEquals(List.of(
                new LockedArtifact("npm", "@acme/util", "1.1.0", "@acme%2futil", "@acme/util/-/util-1.1.0.tgz", SHA),
                new LockedArtifact("npm", "tiny-lib", "1.0.4", "tiny-lib", "tiny-lib/-/tiny-lib-1.0.4.tgz", "sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk= sha512-AAAA"),
                new LockedArtifact("npm", "left-pad", "1.3.0", "left-pad", "left-pad/-/left-pad-1.3.0.tgz", SHA),
                new LockedArtifact("npm", "left-pad", "1.2.0", "left-pad", "left-pad/-/left-pad-1.2.0.tgz", SHA),
                new LockedArtifact("npm", "tiny-lib", "2.0.1", "tiny-lib", "tiny-lib/-/tiny-lib-2.0.1.tgz", null)), locked);
    }

    @Test
    void aLockWrittenWithoutResolvedUrlsStillNamesItsRegistryTarballs() throws Exception {
        // npm with omit-lockfile-registry-resolved drops "resolved" for registry packages and keeps "integrity"; it fetches
        // those from its registry, so prefetch must too. An entry with neither came from nowhere npm would fetch.
        String bare = V3.replaceAll("\\s*\"resolved\": \"http://registry\\.example\\.test/[^\"]*\",", "");
        List<LockedArtifact> locked = read("package-lock.json", bare);
        assertEquals(List.of(
                new LockedArtifact("npm", "@acme/util", "1.1.0", "@acme%2futil", "@acme/util/-/util-1.1.0.tgz", SHA),
                new LockedArtifact("npm", "tiny-lib", "1.0.4", "tiny-lib", "tiny-lib/-/tiny-lib-1.0.4.tgz", "sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk= sha512-AAAA"),
                new LockedArtifact("npm", "left-pad", "1.3.0", "left-pad", "left-pad/-/left-pad-1.3.0.tgz", SHA),
                new LockedArtifact("npm", "left-pad", "1.2.0", "left-pad", "left-pad/-/left-pad-1.2.0.tgz", SHA)), locked,
                "git and file sources keep their resolved and stay skipped; tiny-lib 2.0.1 had no integrity");
    }

    @Test
    void aV2LockIsReadFromItsPackagesMapAndAShrinkwrapLikeALock() throws Exception {
        String v2 = V3.replace("\"lockfileVersion\": 3,", "\"lockfileVersion\": 2,")
                .replace("\"requires\": true,", "\"requires\": true, \"dependencies\": { \"left-pad\": { \"version\": \"1.3.0\" } },");
        assertEquals(read("package-lock.json", V3), read("package-lock.json", v2));
        assertEquals(read("package-lock.json", V3), read("npm-shrinkwrap.json", V3));
    }

    @Test
    void aV1LockIsRefusedWithTheCommandThatRewritesIt() {
        MetadataException e = refused("""
                {"name":"app","version":"1.0.0","lockfileVersion":1,"requires":true,
                 "dependencies":{"left-pad":{"version":"1.3.0","resolved":"http://registry.example.test/left-pad/-/left-pad-1.3.0.tgz"}}}
                """);
        assertTrue(e.getMessage().contains("lockfileVersion 1") && e.getMessage().contains("npm install --lockfile-version 3"), e.getMessage());
    }

    @Test
    void onlyLockfilesAreClaimed() throws Exception {
        byte[] pkg = "{\"name\":\"app\",\"version\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8);
        assertEquals(Optional.empty(), NPM.lockfile(Path.of("package.json"), pkg));
        assertEquals(Optional.empty(), NPM.lockfile(Path.of("requirements.txt"), "six==1.17.0\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(5, NPM.lockfile(Path.of("saved-lock.json"), V3.getBytes(StandardCharsets.UTF_8)).orElseThrow().size());
    }

    @Test
    void brokenJsonIsRefusedWithWhere() {
        MetadataException e = refused("{\n  \"lockfileVersion\": 3,\n  \"packages\": {\n    \"node_modules/a\": { \"version\": \"1.0.0\", }\n  }\n}");
        assertTrue(e.getMessage().startsWith("not valid JSON at line 4"), e.getMessage());
        assertTrue(refused("{\"lockfileVersion\":3,\"packages\":{},\"packages\":{}}").getMessage().contains("Duplicate field"));
        assertTrue(refused("[1,2]").getMessage().contains("not a JSON object"));
        assertTrue(refused("{\"lockfileVersion\":3,\"packages\":[]}").getMessage().contains("\"packages\" is not a JSON object"));
        assertTrue(refused("{\"lockfileVersion\":3,\"packages\":{\"node_modules/a\":\"1.0.0\"}}").getMessage()
                .contains("packages[\"node_modules/a\"] is not a JSON object"));
    }

    @Test
    void namesAndVersionsThatCouldSteerAPathAreRefused() {
        String entry = "{\"lockfileVersion\":3,\"packages\":{\"%s\":{%s\"version\":\"%s\",\"resolved\":\"http://r.example.test/x/-/x-1.0.0.tgz\"}}}";
        MetadataException byFolder = refused(entry.formatted("node_modules/../../x", "", "1.0.0"));
        assertTrue(byFolder.getMessage().contains("\"../../x\" is not a valid npm package name"), byFolder.getMessage());
        assertTrue(refused(entry.formatted("node_modules/x", "\"name\":\"@evil/../../admin\",", "1.0.0")).getMessage()
                .contains("is not a valid npm package name"));
        assertTrue(refused(entry.formatted("node_modules/x", "", "1.0.0/../../../-/admin")).getMessage().contains("is not a version"));
        assertTrue(refused(entry.formatted("node_modules/x", "", "1.0.0?x=1")).getMessage().contains("is not a version"));
        assertTrue(refused(entry.formatted("node_modules/x\\u0000\\n", "", "1.0.0")).getMessage().contains("not a valid npm package name"));
        String badIntegrity = "{\"lockfileVersion\":3,\"packages\":{\"node_modules/x\":{\"version\":\"1.0.0\","
                + "\"resolved\":\"http://r.example.test/x/-/x-1.0.0.tgz\",\"integrity\":\"md5-../../x\"}}}";
        assertTrue(refused(badIntegrity).getMessage().contains("is not a subresource integrity value"));
    }

    @Test
    void aHugeFileIsRefusedUnread() {
        byte[] huge = new byte[LockedArtifact.MAX_LOCKFILE_BYTES + 1];
        java.util.Arrays.fill(huge, (byte) ' ');
        MetadataException e = assertThrows(MetadataException.class, () -> NPM.lockfile(Path.of("package-lock.json"), huge));
        assertTrue(e.getMessage().contains("larger than 32 MiB"), e.getMessage());
    }
}
