package dev.airlock.maven;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Strict parsing of the Maven 2 repository layout. */
class MavenPathTest {

    @Test
    void artifactFilesSplitIntoCoordinates() {
        MavenPath.File jar = assertInstanceOf(MavenPath.File.class, MavenPath.parse("/org/example/lib/1.0-beta-2/lib-1.0-beta-2.jar"));
        assertEquals("org.example", jar.groupId());
        assertEquals("lib", jar.artifactId());
        assertEquals("1.0-beta-2", jar.version());
        assertNull(jar.classifier());
        assertEquals("jar", jar.extension());
        assertEquals("org.example:lib", jar.packageName());

        MavenPath.File sources = assertInstanceOf(MavenPath.File.class, MavenPath.parse("org/example/lib/2.0/lib-2.0-sources.jar"));
        assertEquals("sources", sources.classifier());
        MavenPath.File native_ = assertInstanceOf(MavenPath.File.class,
                MavenPath.parse("io/netty/netty-transport-native-epoll/4.2.20.Final/netty-transport-native-epoll-4.2.20.Final-linux-x86_64.jar"));
        assertEquals("linux-x86_64", native_.classifier());
        MavenPath.File asc = assertInstanceOf(MavenPath.File.class, MavenPath.parse("org/example/lib/2.0/lib-2.0.pom.asc"));
        assertEquals("pom.asc", asc.extension());
        MavenPath.File bundle = assertInstanceOf(MavenPath.File.class, MavenPath.parse("org/example/lib/2.0/lib-2.0.jar.sigstore.json"));
        assertEquals("jar.sigstore.json", bundle.extension());
        assertInstanceOf(MavenPath.File.class, MavenPath.parse("org/example/lib/2.0/lib-2.0.module"));
    }

    @Test
    void checksumFilesPointAtWhatTheyCheck() {
        MavenPath.FileChecksum sha1 = assertInstanceOf(MavenPath.FileChecksum.class, MavenPath.parse("org/example/lib/2.0/lib-2.0.jar.sha1"));
        assertEquals("SHA-1", sha1.algorithm());
        assertEquals("org/example/lib/2.0/lib-2.0.jar", sha1.file().path());
        MavenPath.FileChecksum ascMd5 = assertInstanceOf(MavenPath.FileChecksum.class, MavenPath.parse("org/example/lib/2.0/lib-2.0.jar.asc.md5"));
        assertEquals("jar.asc", ascMd5.file().extension());
        MavenPath.MetadataChecksum meta = assertInstanceOf(MavenPath.MetadataChecksum.class,
                MavenPath.parse("org/example/lib/maven-metadata.xml.sha512"));
        assertEquals("SHA-512", meta.algorithm());
        assertEquals("org/example/lib/maven-metadata.xml", meta.metadata().path());
    }

    @Test
    void metadataAtEachLevel() {
        MavenPath.Metadata artifact = assertInstanceOf(MavenPath.Metadata.class, MavenPath.parse("org/example/lib/maven-metadata.xml"));
        assertEquals("org.example:lib", artifact.packageName(), "keyed like the artifact's files");
        assertNull(artifact.snapshotVersion());
        MavenPath.Metadata group = assertInstanceOf(MavenPath.Metadata.class, MavenPath.parse("org/apache/maven/plugins/maven-metadata.xml"));
        assertEquals("org/apache/maven/plugins", group.directory());
        MavenPath.Metadata snap = assertInstanceOf(MavenPath.Metadata.class, MavenPath.parse("org/example/lib/1.0-SNAPSHOT/maven-metadata.xml"));
        assertEquals("1.0-SNAPSHOT", snap.snapshotVersion());
    }

    @Test
    void deployedSnapshotFilesCarryTheirTimestamp() {
        MavenPath.File f = assertInstanceOf(MavenPath.File.class,
                MavenPath.parse("org/example/lib/1.0-SNAPSHOT/lib-1.0-20240102.030405-7-tests.jar"));
        assertEquals("tests", f.classifier());
        assertEquals("1.0-SNAPSHOT", f.version());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "org/example/", "org/../etc/passwd", "org/./x/1/x-1.jar", "org/example/lib/1.0/other-1.0.jar",
            "org/example/lib/1.0/lib-1.0", "org/example/lib/1.0/lib-1.0-.jar", "lib-1.0.jar", "org/lib/lib-1.0.jar",
            "org/ex ample/lib/1.0/lib-1.0.jar", "org/example/lib/1.0/lib-1.0.j@r", "org//lib/1.0/lib-1.0.jar", "maven-metadata.xml",
            "org/example/lib/1.0/lib-1.0.jar/x", ".hidden/a/1/a-1.jar", "org/example/lib/1.0/lib-1.0.jar.md5.sha1",
            "org/example/lib/maven-metadata.xml.sha1.md5", "org.example/lib/1.0/lib-1.0.jar", "org.example/lib/maven-metadata.xml"})
    void everythingElseIsRefused(String path) {
        assertInstanceOf(MavenPath.Invalid.class, MavenPath.parse(path), path);
    }
}
