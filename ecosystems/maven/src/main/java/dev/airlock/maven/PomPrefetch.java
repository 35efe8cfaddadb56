package dev.airlock.maven;

import dev.airlock.core.ecosystem.LockedArtifact;
import dev.airlock.core.ecosystem.MetadataException;
import dev.airlock.core.ecosystem.PrefetchOutcome;
import org.apache.maven.model.Model;
import org.apache.maven.model.building.DefaultModelBuilderFactory;
import org.apache.maven.model.building.DefaultModelBuildingRequest;
import org.apache.maven.model.building.ModelBuildingException;
import org.apache.maven.model.building.ModelBuildingRequest;
import org.apache.maven.model.building.ModelProblem;
import org.apache.maven.model.io.DefaultModelReader;
import org.apache.maven.model.io.ModelReader;
import org.apache.maven.model.resolution.UnresolvableModelException;
import org.apache.maven.repository.internal.MavenRepositorySystemUtils;
import org.eclipse.aether.DefaultRepositorySystemSession;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.artifact.Artifact;
import org.eclipse.aether.artifact.ArtifactType;
import org.eclipse.aether.artifact.ArtifactTypeRegistry;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.artifact.DefaultArtifactType;
import org.eclipse.aether.collection.CollectRequest;
import org.eclipse.aether.collection.CollectResult;
import org.eclipse.aether.collection.DependencyCollectionException;
import org.eclipse.aether.graph.Dependency;
import org.eclipse.aether.graph.DependencyNode;
import org.eclipse.aether.graph.Exclusion;
import org.eclipse.aether.repository.Authentication;
import org.eclipse.aether.repository.LocalRepository;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.repository.RepositoryPolicy;
import org.eclipse.aether.resolution.ArtifactRequest;
import org.eclipse.aether.resolution.ArtifactResolutionException;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.supplier.RepositorySystemSupplier;
import org.eclipse.aether.transfer.ArtifactNotFoundException;
import org.eclipse.aether.util.repository.AuthenticationBuilder;
import org.eclipse.aether.util.repository.DefaultAuthenticationSelector;
import org.eclipse.aether.util.repository.DefaultMirrorSelector;
import org.eclipse.aether.util.repository.DefaultProxySelector;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code prefetch pom.xml}: the project's dependency graph resolved by Maven Resolver, the library
 * Maven itself uses, with Maven's own model builder and session defaults (scopes, optional
 * dependencies, exclusions, nearest-wins conflicts, dependency management and BOM imports), through
 * Airlock and nothing else:
 *
 * <ul>
 *   <li>the only remote repository is Airlock's {@code /maven/} mount (the token, when given, is
 *       the Basic password, as {@code mvn} sends it from a {@code <server>});</li>
 *   <li>every repository a POM declares is mirrored to it ({@code <mirrorOf>*}), and the
 *       resolver is told to ignore those declarations as well; no settings.xml, no proxies, no
 *       system-property proxy configuration is read;</li>
 *   <li>the local repository is a throwaway directory, so every POM (parents and imports too)
 *       and every file is asked of Airlock, and lands in its cache.</li>
 * </ul>
 *
 * <p>The project's own dependencies of scope compile, runtime and provided are resolved
 * transitively (test and system dependencies are not). Each file downloaded is reported cached;
 * each file Airlock refused is reported with its status (the caller asks Airlock once more, to
 * read the verdict the resolver did not keep); what failed otherwise (a range with no match) is
 * reported with the resolver's message.
 *
 * <p>This class sets up the resolver and runs the resolution; {@link PomPrefetchOutcomes} collects
 * what each file came to, and {@link AirlockModelResolver} is the model builder's view of
 * repositories.
 */
final class PomPrefetch {

    /** The repository id of Airlock, and of the mirror every other repository id maps to. */
    static final String REPOSITORY_ID = "airlock";
    /** The project's own dependencies that are resolved: what compiling and running it needs. */
    static final Set<String> SCOPES = Set.of("compile", "runtime", "provided");

    private static final Pattern STATUS = Pattern.compile("status code: (\\d{3})");
    /** Files the resolver fetches that are not reported: checksums and signatures of reported files. */
    static final Set<String> NOT_REPORTED = Set.of("sha1", "md5", "sha256", "sha512", "asc");

    private PomPrefetch() {
    }

    /** A project POM, by name: {@code pom.xml} or {@code *.pom}. */
    static boolean claims(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        return name.equals("pom.xml") || name.endsWith(".pom");
    }

    static void prefetch(Path file, byte[] content, URI mount, String token, Consumer<PrefetchOutcome> report) throws MetadataException {
        LockedArtifact project = project(content);

        Path localRepository;
        try {
            localRepository = Files.createTempDirectory("airlock-prefetch-m2-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a local repository for Maven Resolver", e);
        }
        RepositorySystem system = new RepositorySystemSupplier().get();
        PomPrefetchOutcomes outcomes = new PomPrefetchOutcomes();
        try {
            DefaultRepositorySystemSession session = session(system, localRepository, mount, token, outcomes);
            List<RemoteRepository> repositories = List.of(airlock(mount, token));
            resolve(system, session, repositories, file, project, outcomes);
        } finally {
            system.shutdown();
            delete(localRepository);
            outcomes.flush(report);
        }
    }

    /** The project a POM is (its coordinates, read without resolving anything), or why it is not one. */
    static LockedArtifact project(byte[] content) throws MetadataException {
        Model raw = readRaw(content);
        String groupId = raw.getGroupId() != null ? raw.getGroupId() : raw.getParent() != null ? raw.getParent().getGroupId() : null;
        String version = raw.getVersion() != null ? raw.getVersion() : raw.getParent() != null ? raw.getParent().getVersion() : null;
        if (groupId == null || raw.getArtifactId() == null || version == null) {
            throw new MetadataException("not a Maven project: it names no groupId, artifactId and version");
        }
        String metadata = metadataPath(groupId, raw.getArtifactId());
        if (!(MavenPath.parse(metadata) instanceof MavenPath.Metadata)) {
            throw new MetadataException("groupId " + groupId + " and artifactId " + raw.getArtifactId() + " do not make a repository path");
        }
        return new LockedArtifact(MavenEcosystem.ID, groupId + ":" + raw.getArtifactId(), version, metadata, null, null);
    }

    private static Model readRaw(byte[] content) throws MetadataException {
        try {
            return new DefaultModelReader().read(new ByteArrayInputStream(content), Map.of(ModelReader.IS_STRICT, false));
        } catch (IOException e) {
            throw new MetadataException("not a readable POM: " + e.getMessage());
        }
    }

    /** Maven's session defaults, pointed at Airlock only. */
    private static DefaultRepositorySystemSession session(RepositorySystem system, Path localRepository, URI mount, String token,
                                                          PomPrefetchOutcomes outcomes) {
        DefaultRepositorySystemSession session = MavenRepositorySystemUtils.newSession();
        session.setLocalRepositoryManager(system.newLocalRepositoryManager(session, new LocalRepository(localRepository.toFile())));
        // Every repository, whatever its id or layout, is Airlock: as <mirrorOf>*</mirrorOf> in a settings.xml would make it.
        session.setMirrorSelector(new DefaultMirrorSelector().add(REPOSITORY_ID, mount.toString(), "default", false, false, "*", "*"));
        // And the <repositories> of the POMs read along the way are not even considered.
        session.setIgnoreArtifactDescriptorRepositories(true);
        session.setProxySelector(new DefaultProxySelector());
        if (token != null) {
            session.setAuthenticationSelector(new DefaultAuthenticationSelector().add(REPOSITORY_ID, authentication(token)));
            session.setConfigProperty("aether.connector.http.preemptiveAuth", true);
        }
        session.setConfigProperty("aether.connector.http.useSystemProperties", false);
        session.setConfigProperty("aether.connector.userAgent", "airlock-prefetch (Maven Resolver)");
        session.setChecksumPolicy(RepositoryPolicy.CHECKSUM_POLICY_FAIL);
        session.setOffline(false);
        session.setSystemProperties(systemProperties());
        session.setTransferListener(outcomes);
        return session;
    }

    private static Authentication authentication(String token) {
        return new AuthenticationBuilder().addUsername("airlock").addPassword(token).build();
    }

    private static RemoteRepository airlock(URI mount, String token) {
        RepositoryPolicy policy = new RepositoryPolicy(true, RepositoryPolicy.UPDATE_POLICY_DAILY, RepositoryPolicy.CHECKSUM_POLICY_FAIL);
        RemoteRepository.Builder b = new RemoteRepository.Builder(REPOSITORY_ID, "default", mount.toString()).setPolicy(policy);
        if (token != null) {
            b.setAuthentication(authentication(token));
        }
        return b.build();
    }

    /** What profile activation and interpolation see: the JVM's own properties (java.version, os.name, ...). */
    private static Properties systemProperties() {
        Properties p = new Properties();
        p.putAll(System.getProperties());
        return p;
    }

    private static void resolve(RepositorySystem system, DefaultRepositorySystemSession session, List<RemoteRepository> repositories,
                                Path file, LockedArtifact project, PomPrefetchOutcomes outcomes) throws MetadataException {
        Model model;
        try {
            DefaultModelBuildingRequest request = new DefaultModelBuildingRequest();
            request.setPomFile(file.toFile());
            request.setModelResolver(new AirlockModelResolver(system, session, repositories));
            request.setSystemProperties(systemProperties());
            request.setValidationLevel(ModelBuildingRequest.VALIDATION_LEVEL_MINIMAL);
            request.setProcessPlugins(false);
            request.setTwoPhaseBuilding(false);
            request.setLocationTracking(false);
            model = new DefaultModelBuilderFactory().newInstance().build(request).getEffectiveModel();
        } catch (ModelBuildingException e) {
            String problems = problems(e.getProblems());
            if (outcomes.anyRefusedOrFailed() || e.getProblems().stream().anyMatch(p -> p.getException() instanceof UnresolvableModelException)) {
                // A parent or an import Airlock did not serve: that file is reported; so is the project it stopped.
                outcomes.failed(project, "the project's model cannot be built, so its dependencies were not resolved: " + problems);
                return;
            }
            throw new MetadataException("the project's model cannot be built: " + problems);
        }

        ArtifactTypeRegistry types = session.getArtifactTypeRegistry();
        List<Dependency> dependencies = new ArrayList<>();
        for (org.apache.maven.model.Dependency d : model.getDependencies()) {
            String scope = d.getScope() == null || d.getScope().isEmpty() ? "compile" : d.getScope();
            if (SCOPES.contains(scope)) {
                dependencies.add(dependency(d, scope, types));
            }
        }
        List<Dependency> managed = new ArrayList<>();
        if (model.getDependencyManagement() != null) {
            for (org.apache.maven.model.Dependency d : model.getDependencyManagement().getDependencies()) {
                managed.add(dependency(d, d.getScope() == null ? "" : d.getScope(), types));
            }
        }
        CollectRequest collect = new CollectRequest();
        collect.setRootArtifact(new DefaultArtifact(model.getGroupId(), model.getArtifactId(), "pom", model.getVersion()));
        collect.setDependencies(dependencies);
        collect.setManagedDependencies(managed);
        collect.setRepositories(repositories);
        collect.setRequestContext("project");
        CollectResult collected;
        try {
            collected = system.collectDependencies(session, collect);
        } catch (DependencyCollectionException e) {
            collected = e.getResult();
        }
        for (Exception e : collected.getExceptions()) {
            outcomes.exception(e, project);
        }

        List<ArtifactRequest> requests = new ArrayList<>();
        if (collected.getRoot() != null) {
            nodes(collected.getRoot(), requests, new HashSet<>());
        }
        List<ArtifactResult> results;
        try {
            results = system.resolveArtifacts(session, requests);
        } catch (ArtifactResolutionException e) {
            results = e.getResults();
        }
        for (ArtifactResult r : results) {
            for (Exception e : r.getExceptions()) {
                outcomes.exception(e, artifact(r.getRequest().getArtifact()));
                break;
            }
        }
    }

    /** Every node of the graph below the root, once (the resolver keeps the winner of each conflict). */
    private static void nodes(DependencyNode node, List<ArtifactRequest> out, Set<String> seen) {
        for (DependencyNode child : node.getChildren()) {
            if (child.getArtifact() != null && seen.add(child.getArtifact().toString())) {
                out.add(new ArtifactRequest(child));
                nodes(child, out, seen);
            }
        }
    }

    /** A model dependency as the resolver takes it (what maven-core's RepositoryUtils does for a project). */
    private static Dependency dependency(org.apache.maven.model.Dependency d, String scope, ArtifactTypeRegistry types) {
        ArtifactType type = types.get(d.getType());
        if (type == null) {
            type = new DefaultArtifactType(d.getType());
        }
        Artifact artifact = new DefaultArtifact(d.getGroupId(), d.getArtifactId(), d.getClassifier(), null, d.getVersion(), null, type);
        List<Exclusion> exclusions = new ArrayList<>();
        for (org.apache.maven.model.Exclusion x : d.getExclusions()) {
            exclusions.add(new Exclusion(x.getGroupId(), x.getArtifactId(), "*", "*"));
        }
        return new Dependency(artifact, scope, d.getOptional() != null ? d.isOptional() : null, exclusions);
    }

    static String metadataPath(String groupId, String artifactId) {
        return groupId.replace('.', '/') + "/" + artifactId + "/" + MavenPath.METADATA;
    }

    /** The file of a resolver artifact as a repository path, when it is a valid one. */
    static LockedArtifact artifact(Artifact a) {
        String base = a.getGroupId().replace('.', '/') + "/" + a.getArtifactId() + "/" + a.getBaseVersion() + "/"
                + a.getArtifactId() + "-" + a.getVersion();
        String path = base + (a.getClassifier().isEmpty() ? "" : "-" + a.getClassifier()) + "." + a.getExtension();
        LockedArtifact byPath = artifact(path);
        if (byPath != null) {
            return byPath;
        }
        String name = a.getGroupId() + ":" + a.getArtifactId();
        String metadata = metadataPath(a.getGroupId(), a.getArtifactId());
        return new LockedArtifact(MavenEcosystem.ID, name, a.getVersion(),
                MavenPath.parse(metadata) instanceof MavenPath.Metadata ? metadata : "maven-metadata.xml", null, null);
    }

    /** A repository path the resolver asked for, or null when it is not a file (metadata, checksums) or not valid. */
    static LockedArtifact artifact(String path) {
        if (MavenPath.parse(path) instanceof MavenPath.File f) {
            return new LockedArtifact(MavenEcosystem.ID, f.packageName(), f.version(), metadataPath(f.groupId(), f.artifactId()), path, null);
        }
        return null;
    }

    /** The HTTP status Airlock answered, as the resolver's transport put it in its messages; 0 when none. */
    static int status(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ArtifactNotFoundException) {
                return 404;
            }
            Matcher m = STATUS.matcher(String.valueOf(t.getMessage()));
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return 0;
    }

    private static String problems(List<ModelProblem> problems) {
        StringBuilder b = new StringBuilder();
        for (ModelProblem p : problems) {
            if (p.getSeverity() != ModelProblem.Severity.WARNING) {
                b.append(b.length() == 0 ? "" : "; ").append(p.getMessage());
            }
        }
        return abbreviate(b.toString());
    }

    static String abbreviate(String s) {
        String one = s.replaceAll("\\s+", " ").strip();
        return one.length() > 400 ? one.substring(0, 400) + "..." : one;
    }

    private static void delete(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // a temp dir: what is left the OS removes
                }
            });
        } catch (IOException e) {
            // same
        }
    }

}
