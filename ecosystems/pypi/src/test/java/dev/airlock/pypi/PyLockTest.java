package dev.airlock.pypi;

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

/** PEP 751 lockfiles: each listed wheel and sdist is asked for by name at Airlock and checked against the lock's sha256. */
class PyLockTest {

    private static final PypiEcosystem PYPI = new PypiEcosystem();
    private static final String PAGE = "/?format=application/vnd.pypi.simple.v1%2Bjson";
    private static final String H1 = "c75a69e28a550a7e93789579c22aa26b0f5b83b75dc4e08fe092980051e1090a";
    private static final String H2 = "1c97078a7c3a02d7ba3b2a4cb4f6ad9d85ee9f4d8c4ab6db3a3b6c53d0b4ef2e";

    /** The shape of PEP 751's own example and pip 25's {@code pip lock} (hosts replaced by placeholders). */
    private static final String LOCK = """
            lock-version = "1.0"
            environments = ["sys_platform == 'linux'"]
            requires-python = ">=3.9"
            created-by = "pip"

            [[packages]]
            name = "attrs"
            version = "25.1.0"
            requires-python = ">=3.8"
            index = "https://index.example.test/simple"

            [[packages.wheels]]
            name = "attrs-25.1.0-py3-none-any.whl"
            upload-time = 2025-01-25T11:30:10.164985+00:00
            url = "https://files.example.test/packages/fc/30/attrs-25.1.0-py3-none-any.whl"
            size = 63152
            hashes = {sha256 = "%s"}

            [packages.sdist]
            url = "https://files.example.test/packages/49/7c/attrs-25.1.0.tar.gz"
            size = 810562
            hashes = {sha256 = "%s"}

            [[packages]]
            name = "Typing_Extensions"
            version = "4.12.2"
            wheels = [{url = "https://files.example.test/typing_extensions-4.12.2-py3-none-any.whl", hashes = {sha256 = "%s"}}]

            [[packages]]
            name = "six"
            version = "1.17.0"

            [[packages]]
            name = "tool"
            version = "0.1.0"
            [packages.vcs]
            type = "git"
            url = "https://git.example.test/acme/tool.git"
            commit-id = "3f2a1c0e5b7d9a8c6e4f2b1a0d9c8e7f6a5b4c3d"

            [[packages]]
            name = "project"
            directory = { path = ".", editable = true }

            [tool.example]
            anything = true
            """.formatted(H1, H2, H1.toUpperCase());

    private static List<LockedArtifact> read(String content) throws MetadataException {
        return PYPI.lockfile(Path.of("pylock.toml"), content.getBytes(StandardCharsets.UTF_8)).orElseThrow();
    }

    private static MetadataException refused(String content) {
        return assertThrows(MetadataException.class, () -> read(content));
    }

    @Test
    void everyListedFileIsAskedForByNameWithItsHash() throws Exception {
        assertEquals(List.of(
                new LockedArtifact("pypi", "attrs", "25.1.0", "simple/attrs" + PAGE, "files/attrs/attrs-25.1.0-py3-none-any.whl", "sha256:" + H1),
                new LockedArtifact("pypi", "attrs", "25.1.0", "simple/attrs" + PAGE, "files/attrs/attrs-25.1.0.tar.gz", "sha256:" + H2),
                new LockedArtifact("pypi", "Typing_Extensions", "4.12.2", "simple/typing-extensions" + PAGE,
                        "files/typing-extensions/typing_extensions-4.12.2-py3-none-any.whl", "sha256:" + H1),
                new LockedArtifact("pypi", "six", "1.17.0", "simple/six" + PAGE, null, null)), read(LOCK));
    }

    @Test
    void onlyPep751NamesAreClaimed() throws Exception {
        byte[] b = LOCK.getBytes(StandardCharsets.UTF_8);
        assertEquals(4, PYPI.lockfile(Path.of("pylock.dev.toml"), b).orElseThrow().size());
        assertEquals(Optional.empty(), PYPI.lockfile(Path.of("pyproject.toml"), b));
        assertEquals(Optional.empty(), PYPI.lockfile(Path.of("pylock..toml"), b));
    }

    @Test
    void malformedLocksAreRefusedWithWhere() {
        MetadataException bad = refused("lock-version = \"1.0\"\n[[packages]]\nname = \"six\nversion = \"1.0\"\n");
        assertTrue(bad.getMessage().startsWith("not valid TOML at line 3"), bad.getMessage());
        assertTrue(refused("[[packages]]\nname = \"six\"\n").getMessage().contains("no lock-version"));
        assertTrue(refused("lock-version = \"2.0\"\n").getMessage().contains("lock-version 2.0"));
        assertTrue(refused("lock-version = \"1.0\"\npackages = \"six\"\n").getMessage().contains("packages is not an array"));
        assertTrue(refused("lock-version = \"1.0\"\n[[packages]]\nversion = \"1.0\"\n").getMessage().contains("packages[0]: name \"\""));
    }

    @Test
    void namesThatCouldSteerAPathAreRefused() {
        String pkg = "lock-version = \"1.0\"\n[[packages]]\nname = \"%s\"\nversion = \"%s\"\n%s";
        assertTrue(refused(pkg.formatted("../../x", "1.0", "")).getMessage().contains("\"../../x\" is not a valid project name"));
        assertTrue(refused(pkg.formatted("six", "1.0/../x", "")).getMessage().contains("is not a version"));
        MetadataException file = refused(pkg.formatted("six", "1.0", "wheels = [{name = \"../../six-1.0-py3-none-any.whl\", hashes = {sha256 = \"" + H1 + "\"}}]\n"));
        assertTrue(file.getMessage().contains("is not a distribution file of six"), file.getMessage());
        assertTrue(refused(pkg.formatted("six", "1.0", "wheels = [{name = \"other-1.0-py3-none-any.whl\"}]\n")).getMessage()
                .contains("is not a distribution file of six"));
        assertTrue(refused(pkg.formatted("six", "1.0", "sdist = {name = \"six-1.0.tar.gz\", hashes = {sha256 = \"../x\"}}\n")).getMessage()
                .contains("is not 64 hex digits"));
    }

    @Test
    void hostileSizesAndNestingAreRefusedWithoutAStackTrace() {
        byte[] huge = new byte[LockedArtifact.MAX_LOCKFILE_BYTES + 1];
        java.util.Arrays.fill(huge, (byte) '#');
        assertTrue(assertThrows(MetadataException.class, () -> PYPI.lockfile(Path.of("pylock.toml"), huge)).getMessage().contains("32 MiB"));
        String deep = "lock-version = \"1.0\"\nx = " + "[".repeat(200_000) + "]".repeat(200_000) + "\n";
        assertThrows(MetadataException.class, () -> read(deep));
    }
}
