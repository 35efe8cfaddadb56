package dev.airlock.pypi;

import dev.airlock.pypi.fixture.Dists;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
