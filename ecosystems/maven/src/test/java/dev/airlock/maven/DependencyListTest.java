package dev.airlock.maven;

import dev.airlock.core.ecosystem.LockedArtifact;
import dev.airlock.core.ecosystem.MetadataException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code mvn dependency:list} output as a lockfile: each resolved dependency becomes its POM and
 * its file under the artifact's maven-metadata.xml, from the build log or from -DoutputFile.
 */
class DependencyListTest {

    private static final MavenEcosystem MAVEN = new MavenEcosystem();

    /** maven-dependency-plugin 3.11.0's -DoutputFile output (recorded here, this project's own dependencies). */
    private static final String OUTPUT_FILE = """
            The following files have been resolved:
               com.fasterxml.jackson.core:jackson-databind:jar:2.22.4:compile -- module com.fasterxml.jackson.databind
               org.yaml:snakeyaml:jar:2.5:compile -- module org.yaml.snakeyaml
               org.junit.jupiter:junit-jupiter:jar:6.1.3:test -- module org.junit.jupiter

            """;

    /** The same plugin in a multi-module build log: [INFO] prefixes, other log lines around, two blocks. */
    private static final String BUILD_LOG = """
            [INFO] Scanning for projects...
            [INFO] ------------------------------------------------------------------------
            [INFO] Reactor Build Order:
            [INFO]
            [INFO] --- maven-dependency-plugin:3.11.0:list (default-cli) @ app-core ---
            [INFO]
            [INFO] The following files have been resolved:
            [INFO]    dev.acme:app-api:jar:1.0-SNAPSHOT:compile -- module app.api (auto)
            [INFO]    org.slf4j:slf4j-api:jar:2.0.9:compile -- module org.slf4j [auto]
            [INFO]    io.netty:netty-transport-native-epoll:jar:linux-x86_64:4.2.20.Final:runtime -- module io.netty.transport.classes.epoll
            [INFO]    com.google.code.findbugs:jsr305:jar:3.0.2:provided (optional)
            [INFO]    dev.acme:app-api:test-jar:tests:1.0:test
            [INFO]    dev.acme:app-bom:pom:1.0:import
            [INFO]    com.sun:tools:jar:1.8:system
            [INFO]
            [INFO] --- maven-dependency-plugin:3.11.0:list (default-cli) @ app-web ---
            [INFO]
            [INFO] The following files have been resolved:
            [INFO]    org.slf4j:slf4j-api:jar:2.0.9:compile -- module org.slf4j [auto]
            [INFO]    none
            [INFO] ------------------------------------------------------------------------
            [INFO] BUILD SUCCESS
            """;

    private static List<LockedArtifact> read(String name, String content) throws MetadataException {
        return MAVEN.lockfile(Path.of(name), content.getBytes(StandardCharsets.UTF_8)).orElseThrow();
    }

    private static LockedArtifact file(String ga, String version, String path) {
        String[] p = ga.split(":");
        return new LockedArtifact("maven", ga, version, p[0].replace('.', '/') + "/" + p[1] + "/maven-metadata.xml", path, null);
    }

    @Test
    void theOutputFileGivesEachDependencysPomAndJar() throws Exception {
        assertEquals(List.of(
                file("com.fasterxml.jackson.core:jackson-databind", "2.22.4", "com/fasterxml/jackson/core/jackson-databind/2.22.4/jackson-databind-2.22.4.pom"),
                file("com.fasterxml.jackson.core:jackson-databind", "2.22.4", "com/fasterxml/jackson/core/jackson-databind/2.22.4/jackson-databind-2.22.4.jar"),
                file("org.yaml:snakeyaml", "2.5", "org/yaml/snakeyaml/2.5/snakeyaml-2.5.pom"),
                file("org.yaml:snakeyaml", "2.5", "org/yaml/snakeyaml/2.5/snakeyaml-2.5.jar"),
                file("org.junit.jupiter:junit-jupiter", "6.1.3", "org/junit/jupiter/junit-jupiter/6.1.3/junit-jupiter-6.1.3.pom"),
                file("org.junit.jupiter:junit-jupiter", "6.1.3", "org/junit/jupiter/junit-jupiter/6.1.3/junit-jupiter-6.1.3.jar")),
                read("deps.txt", OUTPUT_FILE));
    }

    @Test
    void aBuildLogGivesClassifiersTypesAndSkipsSnapshotsAndSystemScope() throws Exception {
        assertEquals(List.of(
                file("org.slf4j:slf4j-api", "2.0.9", "org/slf4j/slf4j-api/2.0.9/slf4j-api-2.0.9.pom"),
                file("org.slf4j:slf4j-api", "2.0.9", "org/slf4j/slf4j-api/2.0.9/slf4j-api-2.0.9.jar"),
                file("io.netty:netty-transport-native-epoll", "4.2.20.Final",
                        "io/netty/netty-transport-native-epoll/4.2.20.Final/netty-transport-native-epoll-4.2.20.Final.pom"),
                file("io.netty:netty-transport-native-epoll", "4.2.20.Final",
                        "io/netty/netty-transport-native-epoll/4.2.20.Final/netty-transport-native-epoll-4.2.20.Final-linux-x86_64.jar"),
                file("com.google.code.findbugs:jsr305", "3.0.2", "com/google/code/findbugs/jsr305/3.0.2/jsr305-3.0.2.pom"),
                file("com.google.code.findbugs:jsr305", "3.0.2", "com/google/code/findbugs/jsr305/3.0.2/jsr305-3.0.2.jar"),
                file("dev.acme:app-api", "1.0", "dev/acme/app-api/1.0/app-api-1.0.pom"),
                file("dev.acme:app-api", "1.0", "dev/acme/app-api/1.0/app-api-1.0-tests.jar"),
                file("dev.acme:app-bom", "1.0", "dev/acme/app-bom/1.0/app-bom-1.0.pom")), read("build.log", BUILD_LOG));
    }

    @Test
    void aPomIsNotALockfileButAProjectTheResolverExpands() throws Exception {
        assertEquals(Optional.empty(), MAVEN.lockfile(Path.of("pom.xml"), "<project/>".getBytes(StandardCharsets.UTF_8)));
        assertEquals(Optional.empty(), MAVEN.lockfile(Path.of("lib-1.0.pom"), "<project/>".getBytes(StandardCharsets.UTF_8)));
        assertFalse(MAVEN.prefetchProject(Path.of("deps.txt"), new byte[0], java.net.URI.create("http://127.0.0.1:9/maven/"), null,
                o -> { throw new AssertionError(o); }));
        assertFalse(MAVEN.isProject(Path.of("deps.txt"), "org.slf4j:slf4j-api:jar:2.0.9:compile\n".getBytes(StandardCharsets.UTF_8)));
        assertTrue(MAVEN.isProject(Path.of("pom.xml"), ("<project><modelVersion>4.0.0</modelVersion><groupId>g</groupId>"
                + "<artifactId>a</artifactId><version>1</version></project>").getBytes(StandardCharsets.UTF_8)));
        assertTrue(assertThrows(MetadataException.class, () -> MAVEN.isProject(Path.of("pom.xml"), "<project><oops".getBytes(StandardCharsets.UTF_8)))
                .getMessage().startsWith("not a readable POM"));
        assertTrue(assertThrows(MetadataException.class, () -> MAVEN.isProject(Path.of("pom.xml"), ("<project><groupId>../..</groupId>"
                + "<artifactId>a</artifactId><version>1</version></project>").getBytes(StandardCharsets.UTF_8)))
                .getMessage().contains("do not make a repository path"));
        MetadataException e = assertThrows(MetadataException.class, () -> MAVEN.prefetchProject(Path.of("pom.xml"),
                "<project><modelVersion>4.0.0</modelVersion></project>".getBytes(StandardCharsets.UTF_8),
                java.net.URI.create("http://127.0.0.1:9/maven/"), null, o -> { throw new AssertionError(o); }));
        assertTrue(e.getMessage().contains("names no groupId"), e.getMessage());
    }

    @Test
    void otherTextIsNotClaimed() throws Exception {
        assertEquals(Optional.empty(), MAVEN.lockfile(Path.of("requirements.txt"), "six==1.17.0\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(Optional.empty(), MAVEN.lockfile(Path.of("notes.txt"), "org.slf4j:slf4j-api is the logger\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(2, read("bare.txt", "org.slf4j:slf4j-api:jar:2.0.9:compile\n").size());
    }

    @Test
    void malformedAndHostileLinesAreRefusedWithTheirLine() {
        MetadataException inBlock = assertThrows(MetadataException.class, () -> read("deps.txt",
                "The following files have been resolved:\n   org.slf4j:slf4j-api:jar:2.0.9:compile\n   org.slf4j:slf4j-api:2.0.9\n"));
        assertTrue(inBlock.getMessage().startsWith("line 3: \"org.slf4j:slf4j-api:2.0.9\" is not group:artifact"), inBlock.getMessage());
        MetadataException dots = assertThrows(MetadataException.class, () -> read("deps.txt",
                "The following files have been resolved:\n   ..:..:jar:1.0:compile\n"));
        assertTrue(dots.getMessage().startsWith("line 2: ..:.. is not a repository path"), dots.getMessage());
        MetadataException version = assertThrows(MetadataException.class, () -> read("deps.txt",
                "The following files have been resolved:\n   org.acme:x:jar:..:compile\n"));
        assertTrue(version.getMessage().contains("does not make a repository path"), version.getMessage());
        byte[] huge = new byte[LockedArtifact.MAX_LOCKFILE_BYTES + 1];
        java.util.Arrays.fill(huge, (byte) '\n');
        byte[] header = "The following files have been resolved:\n".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(header, 0, huge, 0, header.length);
        assertTrue(assertThrows(MetadataException.class, () -> MAVEN.lockfile(Path.of("deps.txt"), huge)).getMessage().contains("32 MiB"));
    }
}
