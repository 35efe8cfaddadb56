package dev.airlock.maven.e2e;

import java.nio.file.Path;

/** What the end-to-end tests' Maven builds share: the machine's local repository and the plugin versions they pin. */
public final class MavenBuild {

    /**
     * The plugin versions this project's own build uses, so their files are in the local
     * repository the fixture serves them from.
     */
    public static final String PLUGINS = """
            <build><pluginManagement><plugins>
              <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
              <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-compiler-plugin</artifactId><version>3.14.1</version></plugin>
              <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-surefire-plugin</artifactId><version>3.5.5</version></plugin>
              <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-jar-plugin</artifactId><version>3.5.0</version></plugin>
            </plugins></pluginManagement></build>
            """;

    private MavenBuild() {
    }

    /** The machine's own local repository: the fixture serves Maven's plugins from it. */
    public static Path localRepository() {
        return Path.of(System.getProperty("user.home"), ".m2", "repository");
    }
}
