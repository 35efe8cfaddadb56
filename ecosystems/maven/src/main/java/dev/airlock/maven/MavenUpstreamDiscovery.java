package dev.airlock.maven;

import dev.airlock.core.ecosystem.EcosystemContext;
import dev.airlock.core.ecosystem.UpstreamSettings;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;

/**
 * Finds the repository the machine's own Maven would download from, so that Airlock needs no
 * registry host written anywhere: the mirror of {@code central} in the user's (then the global)
 * {@code settings.xml}, else the {@code central} repository of the installed Maven's super-POM.
 *
 * <p>Mirror matching follows Maven's rules: a mirror naming {@code central} exactly wins over
 * patterns; patterns are comma lists of {@code *}, {@code external:*}, ids and {@code !id}
 * exclusions. {@code external:http:*} does not match the built-in central (it is https).
 */
final class MavenUpstreamDiscovery {

    private static final Pattern PROPERTY = Pattern.compile("\\$\\{(env\\.[A-Za-z_][A-Za-z0-9_]*|user\\.home)}");
    private static final String SUPER_POM = "org/apache/maven/model/pom-4.0.0.xml";

    private final Map<String, String> env;
    private final Path home;

    MavenUpstreamDiscovery(EcosystemContext context) {
        this.env = context.environment();
        this.home = context.home();
    }

    UpstreamSettings discover() {
        Optional<Path> mavenHome = mavenHome();
        List<Path> settingsFiles = new ArrayList<>();
        settingsFiles.add(home.resolve(".m2").resolve("settings.xml"));
        mavenHome.ifPresent(m -> settingsFiles.add(m.resolve("conf").resolve("settings.xml")));
        for (Path settings : settingsFiles) {
            if (!Files.isRegularFile(settings)) {
                continue;
            }
            try {
                Optional<String[]> mirror = centralMirror(parse(Files.readAllBytes(settings)));
                if (mirror.isPresent()) {
                    URI url = URI.create(interpolate(mirror.get()[1]));
                    return UpstreamSettings.of(url, List.of(), "the mirror '" + mirror.get()[0] + "' of central in " + settings);
                }
            } catch (Exception e) {
                return UpstreamSettings.none(settings.toString(), "fix " + settings + " (" + e.getMessage()
                        + ") or set upstreams.maven.url");
            }
        }
        if (mavenHome.isPresent()) {
            Optional<Path> jar = modelBuilderJar(mavenHome.get());
            if (jar.isPresent()) {
                try {
                    Optional<String> central = superPomCentral(jar.get());
                    if (central.isPresent()) {
                        return UpstreamSettings.of(URI.create(central.get()), List.of(),
                                "Maven's built-in central repository (super-POM in " + jar.get() + ")");
                    }
                } catch (Exception e) {
                    return UpstreamSettings.none(jar.get().toString(), "cannot read Maven's super-POM (" + e.getMessage()
                            + "); set upstreams.maven.url");
                }
            }
        }
        return UpstreamSettings.none("discovery", "no Maven installation or settings.xml mirror of central was found; "
                + "set upstreams.maven.url to a Maven repository");
    }

    /** MAVEN_HOME, M2_HOME, else the folder above the {@code bin/mvn} found on PATH (symlinks resolved). */
    Optional<Path> mavenHome() {
        for (String var : List.of("MAVEN_HOME", "M2_HOME")) {
            String v = env.get(var);
            if (v != null && !v.isBlank() && Files.isDirectory(Path.of(v))) {
                return Optional.of(Path.of(v));
            }
        }
        String path = env.get("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isBlank()) {
                continue;
            }
            Path mvn = Path.of(dir, "mvn");
            if (Files.isExecutable(mvn)) {
                try {
                    Path real = mvn.toRealPath();
                    Path binDir = real.getParent();
                    if (binDir != null && binDir.getParent() != null && Files.isDirectory(binDir.getParent().resolve("lib"))) {
                        return Optional.of(binDir.getParent());
                    }
                } catch (IOException ignored) {
                    // a dangling link: try the next PATH entry
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<Path> modelBuilderJar(Path mavenHome) {
        try (Stream<Path> jars = Files.list(mavenHome.resolve("lib"))) {
            return jars.filter(p -> p.getFileName().toString().matches("maven-model-builder-.*\\.jar")).sorted().findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static Optional<String> superPomCentral(Path jar) throws Exception {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry entry = zip.getEntry(SUPER_POM);
            if (entry == null) {
                return Optional.empty();
            }
            try (InputStream in = zip.getInputStream(entry)) {
                Document pom = parse(in.readNBytes(1 << 20));
                for (Element repos : children(pom.getDocumentElement(), "repositories")) {
                    for (Element repo : children(repos, "repository")) {
                        if ("central".equals(childText(repo, "id"))) {
                            return Optional.ofNullable(childText(repo, "url"));
                        }
                    }
                }
                return Optional.empty();
            }
        }
    }

    /** The first mirror (id, url) Maven would use for central, exact id matches first. */
    static Optional<String[]> centralMirror(Document settings) {
        List<String[]> mirrors = new ArrayList<>();
        for (Element list : children(settings.getDocumentElement(), "mirrors")) {
            for (Element m : children(list, "mirror")) {
                String of = childText(m, "mirrorOf");
                String url = childText(m, "url");
                if (of != null && url != null) {
                    mirrors.add(new String[]{childText(m, "id") == null ? "" : childText(m, "id"), url, of});
                }
            }
        }
        for (String[] m : mirrors) {
            if (m[2].strip().equals("central")) {
                return Optional.of(m);
            }
        }
        for (String[] m : mirrors) {
            if (matchesCentral(m[2])) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /** Maven's mirrorOf pattern against the built-in central (id "central", an https URL on a remote host). */
    static boolean matchesCentral(String mirrorOf) {
        boolean matched = false;
        for (String raw : mirrorOf.split(",")) {
            String p = raw.strip();
            if (p.equals("!central")) {
                return false;
            }
            if (p.equals("*") || p.equals("central") || p.equals("external:*") || p.equals("external:https:*")) {
                matched = true;
            }
        }
        return matched;
    }

    private String interpolate(String url) {
        Matcher m = PROPERTY.matcher(url.strip());
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String key = m.group(1);
            String value = key.equals("user.home") ? home.toString() : env.getOrDefault(key.substring(4), "");
            m.appendReplacement(sb, Matcher.quoteReplacement(value));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** Settings and POMs are parsed with DTDs and external entities off. */
    static Document parse(byte[] xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setExpandEntityReferences(false);
        f.setXIncludeAware(false);
        f.setNamespaceAware(false);
        DocumentBuilder b = f.newDocumentBuilder();
        // Errors become exceptions (with their message) instead of lines on stderr.
        b.setErrorHandler(new DefaultHandler() {
            @Override
            public void fatalError(SAXParseException e) throws SAXException {
                throw e;
            }
        });
        return b.parse(new ByteArrayInputStream(xml));
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node n = nodes.item(i);
            if (n instanceof Element e && e.getTagName().equals(name)) {
                out.add(e);
            }
        }
        return out;
    }

    private static String childText(Element parent, String name) {
        List<Element> c = children(parent, name);
        return c.isEmpty() ? null : c.get(0).getTextContent().strip();
    }
}
