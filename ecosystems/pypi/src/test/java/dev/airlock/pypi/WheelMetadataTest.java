package dev.airlock.pypi;

import dev.airlock.pypi.fixture.Dists;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Extracting a wheel's core metadata for PEP 658, and refusing what pip would refuse. */
class WheelMetadataTest {

    @TempDir
    Path tmp;

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(tmp.resolve(name), bytes);
    }

    private static byte[] zip(String... namesAndContents) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (int i = 0; i < namesAndContents.length; i += 2) {
                z.putNextEntry(new ZipEntry(namesAndContents[i]));
                z.write(namesAndContents[i + 1].getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }

    @Test
    void theMetadataOfARealWheelByteForByte() throws Exception {
        // A wheel built like setuptools/hatchling build them: METADATA comes out exactly as stored.
        String filename = Dists.wheelFilename("Fixture.A", "1.0");
        byte[] wheel = Dists.wheel("Fixture.A", "1.0", Dists.Spec.builder().dependency("dep>=1").build());
        byte[] extracted = WheelMetadata.extract(write(filename, wheel), filename);
        assertArrayEquals(Dists.coreMetadata(wheel), extracted);
        assertTrue(new String(extracted, StandardCharsets.UTF_8).contains("Requires-Dist: dep>=1"));
    }

    @Test
    void distInfoOfAnotherProjectIsRefused() throws Exception {
        byte[] wheel = zip("other-1.0.dist-info/METADATA", "Name: other\n", "other-1.0.dist-info/WHEEL", "x");
        IOException e = assertThrows(IOException.class, () -> WheelMetadata.extract(write("a.whl", wheel), "mine-1.0-py3-none-any.whl"));
        assertTrue(e.getMessage().contains("not mine's"), e.getMessage());
    }

    @Test
    void twoDistInfoDirectoriesAreRefused() throws Exception {
        byte[] wheel = zip("mine-1.0.dist-info/METADATA", "Name: mine\n", "mine-2.0.dist-info/METADATA", "Name: mine\n");
        assertThrows(IOException.class, () -> WheelMetadata.extract(write("a.whl", wheel), "mine-1.0-py3-none-any.whl"));
    }

    @Test
    void missingMetadataAndNonZipBytesAreRefused() throws Exception {
        byte[] noMetadata = zip("mine-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\n");
        assertThrows(IOException.class, () -> WheelMetadata.extract(write("a.whl", noMetadata), "mine-1.0-py3-none-any.whl"));
        assertThrows(IOException.class, () -> WheelMetadata.extract(write("b.whl", "not a zip".getBytes(StandardCharsets.UTF_8)),
                "mine-1.0-py3-none-any.whl"));
    }

    @Test
    void anOversizedMetadataIsRefused() throws Exception {
        // A zip bomb in METADATA's place: reading stops at the cap.
        byte[] wheel = zip("mine-1.0.dist-info/METADATA", "x".repeat(WheelMetadata.MAX_BYTES + 1));
        IOException e = assertThrows(IOException.class, () -> WheelMetadata.extract(write("a.whl", wheel), "mine-1.0-py3-none-any.whl"));
        assertTrue(e.getMessage().contains("larger than"), e.getMessage());
    }

    @Test
    void startupCodeIsFoundWhereverAWheelInstallsIt() throws Exception {
        // .pth files in site-packages (top level, purelib, or a data scheme path into site-packages), and the two modules
        // Python imports at every start; a .pth deeper inside a package is not on the path and runs nothing.
        byte[] wheel = zip("evil.pth", "import os", "x-1.0.data/purelib/b.pth", "import os",
                "x-1.0.data/data/lib/python3.12/site-packages/c.pth", "import os", "sitecustomize.py", "print(1)",
                "x/not-run.pth", "import os", "x-1.0.dist-info/METADATA", "Name: x\n");
        dev.airlock.core.ecosystem.ContentFacts f = WheelInspector.inspect("x-1.0-py3-none-any.whl", write("w.whl", wheel));
        String found = f.installHooks().get(".pth");
        for (String expected : List.of("evil.pth", "x-1.0.data/purelib/b.pth", "site-packages/c.pth", "sitecustomize.py")) {
            assertTrue(found.contains(expected), expected + " in " + found);
        }
        assertTrue(!found.contains("not-run.pth"), found);
        byte[] clean = zip("x/__init__.py", "", "x-1.0.dist-info/METADATA", "Name: x\n");
        assertTrue(WheelInspector.inspect("x-1.0-py3-none-any.whl", write("c.whl", clean)).installHooks().isEmpty());
    }
}
