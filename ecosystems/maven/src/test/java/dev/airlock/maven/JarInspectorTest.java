package dev.airlock.maven;

import dev.airlock.core.ecosystem.ContentFacts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A jar's reviewer evidence: a plugin's mojo list and a processor registration as text, and every file with its size. */
class JarInspectorTest {

    @TempDir
    Path tmp;

    private Path jar(Map<String, String> entries) throws IOException {
        Path p = tmp.resolve("x.jar");
        try (OutputStream out = Files.newOutputStream(p); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, String> e : new java.util.TreeMap<>(entries).entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return p;
    }

    @Test
    void aPluginsMojosAndAProcessorRegistrationAreShownAsText() throws IOException {
        String descriptor = """
                <?xml version="1.0" encoding="UTF-8"?>
                <plugin><name>Fixture &oslash; Plugin</name><goalPrefix>fx</goalPrefix><mojos>
                  <mojo><goal>run</goal><implementation>org.fx.RunMojo</implementation><phase>compile</phase>
                    <parameters><parameter><name>x</name></parameter></parameters></mojo>
                  <mojo><goal>help</goal><implementation>org.fx.HelpMojo</implementation></mojo>
                </mojos></plugin>
                """;
        ContentFacts f = JarInspector.inspect("fx-1.0.jar", jar(Map.of(JarInspector.PLUGIN_DESCRIPTOR, descriptor,
                JarInspector.PROCESSOR_SERVICE, "# processors\norg.fx.Proc\n", "org/fx/RunMojo.class", "cafebabe")));
        assertEquals("run -> org.fx.RunMojo (phase compile)\nhelp -> org.fx.HelpMojo\n",
                f.hookFiles().get(JarInspector.PLUGIN_DESCRIPTOR + " (mojos)"));
        assertEquals("# processors\norg.fx.Proc\n", f.hookFiles().get(JarInspector.PROCESSOR_SERVICE));
        assertEquals("org.fx.Proc", f.installHooks().get("annotation-processor"));
        assertEquals(8, f.files().get("org/fx/RunMojo.class").size());
        assertTrue(f.files().get("org/fx/RunMojo.class").crc32() != null);
        assertEquals(3, f.files().size());
    }

    @Test
    void aBrokenDescriptorIsSaidSoNotThrown() {
        assertTrue(JarInspector.mojos("<plugin><mojos>".getBytes(StandardCharsets.UTF_8)).startsWith("(the plugin descriptor is not well-formed"));
        assertEquals("(no mojos listed)", JarInspector.mojos("<plugin/>".getBytes(StandardCharsets.UTF_8)));
    }
}
