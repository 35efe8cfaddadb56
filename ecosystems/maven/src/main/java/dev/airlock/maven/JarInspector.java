package dev.airlock.maven;

import dev.airlock.core.ecosystem.ContentFacts;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * What a Maven artifact runs in the build that uses it: an annotation processor registered in a
 * jar (javac runs it while compiling the consumer), or a POM with {@code maven-plugin} packaging
 * (Maven runs it). Jars are read through their central directory, with bounds; nothing is
 * unpacked.
 */
final class JarInspector {

    static final String PROCESSOR_SERVICE = "META-INF/services/javax.annotation.processing.Processor";
    private static final int MAX_SERVICE_FILE = 64 * 1024;

    private JarInspector() {
    }

    static ContentFacts inspect(String filename, Path file) throws IOException {
        if (filename.endsWith(".pom")) {
            return pom(file);
        }
        if (!filename.endsWith(".jar")) {
            return ContentFacts.NONE;
        }
        Map<String, String> hooks = new TreeMap<>();
        List<String> anomalies = new ArrayList<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            dev.airlock.core.ecosystem.Resources.zipEntries(zip, filename, name -> { }, anomalies);
            ZipEntry service = zip.getEntry(PROCESSOR_SERVICE);
            if (service != null) {
                try (InputStream in = zip.getInputStream(service)) {
                    String text = new String(in.readNBytes(MAX_SERVICE_FILE), StandardCharsets.UTF_8);
                    List<String> processors = text.lines().map(l -> l.replaceAll("#.*", "").strip()).filter(l -> !l.isEmpty()).toList();
                    if (!processors.isEmpty()) {
                        hooks.put("annotation-processor", String.join(", ", processors));
                    }
                }
            }
        }
        return new ContentFacts(hooks, Map.of(), anomalies);
    }

    private static ContentFacts pom(Path file) throws IOException {
        byte[] bytes = java.nio.file.Files.readAllBytes(file);
        try {
            org.w3c.dom.Document pom = PomXml.parse(bytes);
            org.w3c.dom.NodeList packaging = pom.getDocumentElement().getElementsByTagName("packaging");
            for (int i = 0; i < packaging.getLength(); i++) {
                if (packaging.item(i).getParentNode() == pom.getDocumentElement()
                        && packaging.item(i).getTextContent().strip().equals("maven-plugin")) {
                    return new ContentFacts(Map.of("maven-plugin", "<packaging>maven-plugin</packaging>"), Map.of(), List.of());
                }
            }
            return ContentFacts.NONE;
        } catch (Exception e) {
            return new ContentFacts(Map.of(), Map.of(), List.of("the POM is not well-formed XML: " + e.getMessage()));
        }
    }
}
