package dev.airlock.maven;

import dev.airlock.config.LimitsConfig;
import dev.airlock.core.ecosystem.ContentFacts;
import dev.airlock.core.ecosystem.Resources;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
        return inspect(filename, file, LimitsConfig.DEFAULTS);
    }

    /** Within {@code limits.pomSize} (a larger POM is held unread) and {@code limits.archiveEntries}. */
    static ContentFacts inspect(String filename, Path file, LimitsConfig limits) throws IOException {
        if (filename.endsWith(".pom")) {
            return pom(file, limits.pomSize());
        }
        if (!filename.endsWith(".jar")) {
            return ContentFacts.NONE;
        }
        Map<String, String> hooks = new TreeMap<>();
        List<String> anomalies = new ArrayList<>();
        Map<String, String> hookFiles = new TreeMap<>();
        Map<String, ContentFacts.Listed> files = new TreeMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Resources.zipEntries(zip, filename, name -> {
                ZipEntry e = zip.getEntry(name);
                if (e != null && !e.isDirectory() && files.size() < ContentFacts.MAX_LISTED) {
                    files.put(name, new ContentFacts.Listed(e.getSize(), e.getCrc() < 0 ? null : Long.toHexString(e.getCrc())));
                }
            }, anomalies, limits.archiveEntries());
            ZipEntry service = zip.getEntry(PROCESSOR_SERVICE);
            if (service != null) {
                try (InputStream in = zip.getInputStream(service)) {
                    byte[] bytes = in.readNBytes(MAX_SERVICE_FILE);
                    String text = new String(bytes, StandardCharsets.UTF_8);
                    List<String> processors = text.lines().map(l -> l.replaceAll("#.*", "").strip()).filter(l -> !l.isEmpty()).toList();
                    if (!processors.isEmpty()) {
                        hooks.put("annotation-processor", String.join(", ", processors));
                        hookFiles.put(PROCESSOR_SERVICE, ContentFacts.hookFileText(bytes, service.getSize()));
                    }
                }
            }
            ZipEntry plugin = zip.getEntry(PLUGIN_DESCRIPTOR);
            if (plugin != null) {
                try (InputStream in = zip.getInputStream(plugin)) {
                    hookFiles.put(PLUGIN_DESCRIPTOR + " (mojos)", mojos(in.readNBytes(MAX_PLUGIN_DESCRIPTOR)));
                }
            }
        }
        return new ContentFacts(hooks, Map.of(), anomalies).withEvidence(hookFiles, files);
    }

    /** Where a Maven plugin lists its goals (mojos) and the classes that implement them. */
    static final String PLUGIN_DESCRIPTOR = "META-INF/maven/plugin.xml";
    /** Real descriptors are tens to hundreds of kilobytes (every parameter is described). */
    private static final int MAX_PLUGIN_DESCRIPTOR = 4 * 1024 * 1024;

    /**
     * The plugin descriptor's mojo list as a reviewer reads it, one line per goal: the goal, the
     * class Maven runs for it and the phase it binds to by default. No class is decompiled.
     */
    static String mojos(byte[] descriptor) {
        try {
            Document d = PomXml.parse(descriptor);
            NodeList mojos = d.getDocumentElement().getElementsByTagName("mojo");
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < mojos.getLength() && sb.length() < ContentFacts.HOOK_FILE_MAX; i++) {
                Element m = (Element) mojos.item(i);
                sb.append(child(m, "goal")).append(" -> ").append(child(m, "implementation"));
                String phase = child(m, "phase");
                if (!phase.isEmpty()) {
                    sb.append(" (phase ").append(phase).append(')');
                }
                sb.append('\n');
            }
            return sb.length() == 0 ? "(no mojos listed)" : sb.toString();
        } catch (Exception e) {
            return "(the plugin descriptor is not well-formed XML: " + e.getMessage() + ")";
        }
    }

    private static String child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e.getTextContent().strip();
            }
        }
        return "";
    }

    /** Real POMs are kilobytes, the largest a few hundred; past this one is not read into memory (limits.pomSize). */
    static final long MAX_POM = LimitsConfig.DEFAULTS.pomSize();

    private static ContentFacts pom(Path file, long maxPom) throws IOException {
        long size = Files.size(file);
        if (size > maxPom) {
            // Held for a person (an anomaly), read no further: a POM this large is no POM a build needs.
            return new ContentFacts(Map.of(), Map.of(), List.of("the POM is " + size + " bytes, more than the " + maxPom
                    + " Airlock reads (limits.pomSize); not inspected"));
        }
        byte[] bytes = Files.readAllBytes(file);
        try {
            Document pom = PomXml.parse(bytes);
            NodeList packaging = pom.getDocumentElement().getElementsByTagName("packaging");
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
