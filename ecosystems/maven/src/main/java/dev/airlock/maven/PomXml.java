package dev.airlock.maven;

import org.w3c.dom.Document;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * POMs read as leniently as Maven reads them, and no more. Maven's POM reader replaces the XHTML
 * character entities ({@code &oslash;}, {@code &nbsp;}, ...) in POMs that declare no DTD, and old
 * POMs on real repositories rely on it ({@code plexus-1.0.4.pom} names a developer with
 * {@code &oslash;}); a strict XML parser calls them undeclared. Here they become numeric
 * character references before parsing, so DTDs and external entities stay refused outright.
 */
final class PomXml {

    /** Entity name to code point, from the XHTML 1.0 entity sets. */
    private static final Map<String, Integer> ENTITIES = load();
    /** No XHTML entity name is longer than this ({@code thetasym}). */
    private static final int MAX_NAME = 8;

    private PomXml() {
    }

    /** Parses a POM (no DTD, no external entity) after replacing the XHTML entities Maven accepts. */
    static Document parse(byte[] pom) throws Exception {
        return MavenUpstreamDiscovery.parse(withCharacterReferences(pom));
    }

    /**
     * The document with every XHTML entity reference written as a numeric character reference. The
     * five XML entities and unknown names are left alone (the parser then reports the unknown
     * one). Works on the bytes of any ASCII-compatible encoding, since entity references are
     * ASCII; a UTF-16 document is returned unchanged.
     */
    static byte[] withCharacterReferences(byte[] xml) {
        if (xml.length >= 2 && (xml[0] == 0 || xml[1] == 0 || (xml[0] & 0xff) == 0xfe || (xml[0] & 0xff) == 0xff)) {
            return xml;
        }
        ByteArrayOutputStream out = null;
        int copied = 0;
        for (int i = 0; i < xml.length; i++) {
            if (xml[i] != '&') {
                continue;
            }
            int end = i + 1;
            while (end < xml.length && end - i - 1 <= MAX_NAME && isNameChar(xml[end])) {
                end++;
            }
            if (end >= xml.length || xml[end] != ';' || end == i + 1) {
                continue;
            }
            Integer codePoint = ENTITIES.get(new String(xml, i + 1, end - i - 1, StandardCharsets.US_ASCII));
            if (codePoint == null) {
                continue;
            }
            if (out == null) {
                out = new ByteArrayOutputStream(xml.length + 64);
            }
            out.write(xml, copied, i - copied);
            out.writeBytes(("&#" + codePoint + ";").getBytes(StandardCharsets.US_ASCII));
            copied = end + 1;
            i = end;
        }
        if (out == null) {
            return xml;
        }
        out.write(xml, copied, xml.length - copied);
        return out.toByteArray();
    }

    private static boolean isNameChar(byte b) {
        return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9';
    }

    private static Map<String, Integer> load() {
        Properties p = new Properties();
        try (InputStream in = PomXml.class.getResourceAsStream("xhtml-entities.properties")) {
            if (in == null) {
                throw new IllegalStateException("xhtml-entities.properties is missing from the jar");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Integer> m = new HashMap<>();
        p.forEach((k, v) -> m.put((String) k, Integer.valueOf((String) v)));
        return Map.copyOf(m);
    }
}
