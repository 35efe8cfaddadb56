package dev.airlock.maven;

import dev.airlock.core.ecosystem.LockedArtifact;
import dev.airlock.core.ecosystem.MetadataException;
import dev.airlock.core.ecosystem.PrefetchOutcome;
import org.apache.maven.model.Model;
import org.apache.maven.model.Parent;
import org.apache.maven.model.building.DefaultModelBuilderFactory;
import org.apache.maven.model.building.DefaultModelBuildingRequest;
import org.apache.maven.model.building.FileModelSource;
import org.apache.maven.model.building.ModelBuildingException;
import org.apache.maven.model.building.ModelBuildingRequest;
import org.apache.maven.model.building.ModelProblem;
import org.apache.maven.model.building.ModelSource2;
import org.apache.maven.model.io.DefaultModelReader;
import org.apache.maven.model.io.ModelReader;
import org.apache.maven.model.resolution.ModelResolver;
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
import org.eclipse.aether.resolution.ArtifactDescriptorException;
import org.eclipse.aether.resolution.ArtifactRequest;
import org.eclipse.aether.resolution.ArtifactResolutionException;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.resolution.VersionRangeRequest;
import org.eclipse.aether.resolution.VersionRangeResolutionException;
import org.eclipse.aether.resolution.VersionRangeResult;
import org.eclipse.aether.supplier.RepositorySystemSupplier;
import org.eclipse.aether.transfer.AbstractTransferListener;
import org.eclipse.aether.transfer.TransferEvent;
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
import java.util.LinkedHashMap;
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
 */
final class PomPrefetch {

    /** The repository id of Airlock, and of the mirror every other repository id maps to. */
    static final String REPOSITORY_ID = "airlock";
    /** The project's own dependencies that are resolved: what compiling and running it needs. */
    static final Set<String> SCOPES = Set.of("compile", "runtime", "provided");

    private static final Pattern STATUS = Pattern.compile("status code: (\\d{3})");
    private static final Set<String> NOT_REPORTED = Set.of("sha1", "md5", "sha256", "sha512", "asc");

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
        Outcomes outcomes = new Outcomes();
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
                                                          Outcomes outcomes) {
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
                                Path file, LockedArtifact project, Outcomes outcomes) throws MetadataException {
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
            nodes(collected.getRoot(), requests, new java.util.HashSet<>());
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
            if (t instanceof org.eclipse.aether.transfer.ArtifactNotFoundException) {
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

    private static String abbreviate(String s) {
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

    /**
     * What the resolver downloaded and what it could not, one outcome per file (the first one
     * seen), reported in that order once resolution is over. Transfer events come from the
     * resolver's download threads.
     */
    private static final class Outcomes extends AbstractTransferListener {
        private final Map<String, PrefetchOutcome> byKey = new LinkedHashMap<>();

        @Override
        public void transferSucceeded(TransferEvent event) {
            LockedArtifact a = reported(event);
            if (a != null) {
                put(a.artifactPath(), PrefetchOutcome.cached(a));
            }
        }

        @Override
        public void transferFailed(TransferEvent event) {
            LockedArtifact a = reported(event);
            int status = status(event.getException());
            if (a != null && status != 0) {
                put(a.artifactPath(), PrefetchOutcome.refused(a, status, abbreviate(String.valueOf(event.getException().getMessage()))));
            }
        }

        private static LockedArtifact reported(TransferEvent event) {
            if (event.getRequestType() != TransferEvent.RequestType.GET) {
                return null;
            }
            String path = event.getResource().getResourceName();
            String ext = path.substring(path.lastIndexOf('.') + 1);
            return NOT_REPORTED.contains(ext) ? null : artifact(path);
        }

        /** A failure the resolver reported when it gave up on an artifact (kept unless its file was reported already). */
        void exception(Exception e, LockedArtifact fallback) {
            LockedArtifact a = fallback;
            if (e instanceof ArtifactDescriptorException d && d.getResult() != null && d.getResult().getRequest() != null) {
                Artifact pom = d.getResult().getRequest().getArtifact();
                a = artifact(new DefaultArtifact(pom.getGroupId(), pom.getArtifactId(), "", "pom", pom.getVersion()));
            } else if (e instanceof VersionRangeResolutionException v && v.getResult() != null && v.getResult().getRequest() != null) {
                a = artifact(v.getResult().getRequest().getArtifact());
            }
            int status = status(e);
            String message = abbreviate(String.valueOf(e.getMessage()));
            if (status != 0 && a.artifactPath() != null) {
                put(a.artifactPath(), PrefetchOutcome.refused(a, status, message));
            } else if (a.artifactPath() != null) {
                put(a.artifactPath(), PrefetchOutcome.failed(a, message));
            } else {
                put(a.name() + "@" + a.version() + " " + message, PrefetchOutcome.failed(a, message));
            }
        }

        void failed(LockedArtifact project, String message) {
            put(project.name() + "@" + project.version(), PrefetchOutcome.failed(project, message));
        }

        synchronized boolean anyRefusedOrFailed() {
            return byKey.values().stream().anyMatch(o -> !o.isCached());
        }

        private synchronized void put(String key, PrefetchOutcome o) {
            byKey.putIfAbsent(key, o);
        }

        void flush(Consumer<PrefetchOutcome> report) {
            List<PrefetchOutcome> all;
            synchronized (this) {
                all = new ArrayList<>(byKey.values());
                byKey.clear();
            }
            all.forEach(report);
        }
    }

    /**
     * The model builder's view of repositories while it builds the project (parents, BOM
     * imports): Airlock only, whatever the POMs declare. Ranges are resolved as Maven's own
     * resolver does for parents and imports.
     */
    private static final class AirlockModelResolver implements ModelResolver {
        private final RepositorySystem system;
        private final DefaultRepositorySystemSession session;
        private final List<RemoteRepository> repositories;

        AirlockModelResolver(RepositorySystem system, DefaultRepositorySystemSession session, List<RemoteRepository> repositories) {
            this.system = system;
            this.session = session;
            this.repositories = repositories;
        }

        @Override
        public ModelSource2 resolveModel(String groupId, String artifactId, String version) throws UnresolvableModelException {
            Artifact pom = new DefaultArtifact(groupId, artifactId, "", "pom", version);
            try {
                pom = system.resolveArtifact(session, new ArtifactRequest(pom, repositories, "project")).getArtifact();
            } catch (ArtifactResolutionException e) {
                throw new UnresolvableModelException(e.getMessage(), groupId, artifactId, version, e);
            }
            return new FileModelSource(pom.getFile());
        }

        @Override
        public ModelSource2 resolveModel(Parent parent) throws UnresolvableModelException {
            parent.setVersion(highest(parent.getGroupId(), parent.getArtifactId(), parent.getVersion()));
            return resolveModel(parent.getGroupId(), parent.getArtifactId(), parent.getVersion());
        }

        @Override
        public ModelSource2 resolveModel(org.apache.maven.model.Dependency dependency) throws UnresolvableModelException {
            dependency.setVersion(highest(dependency.getGroupId(), dependency.getArtifactId(), dependency.getVersion()));
            return resolveModel(dependency.getGroupId(), dependency.getArtifactId(), dependency.getVersion());
        }

        /** A plain version as it is; a range as its highest version Airlock lists. */
        private String highest(String groupId, String artifactId, String version) throws UnresolvableModelException {
            if (version == null || !(version.startsWith("[") || version.startsWith("("))) {
                return version;
            }
            try {
                VersionRangeResult r = system.resolveVersionRange(session,
                        new VersionRangeRequest(new DefaultArtifact(groupId, artifactId, "", "pom", version), repositories, "project"));
                if (r.getHighestVersion() == null) {
                    throw new UnresolvableModelException("no version of " + groupId + ":" + artifactId + " in " + version
                            + " is listed by Airlock", groupId, artifactId, version);
                }
                return r.getHighestVersion().toString();
            } catch (VersionRangeResolutionException e) {
                throw new UnresolvableModelException(e.getMessage(), groupId, artifactId, version, e);
            }
        }

        @Override
        public void addRepository(org.apache.maven.model.Repository repository) {
            // Only Airlock is ever asked: a repository a POM declares is not used.
        }

        @Override
        public void addRepository(org.apache.maven.model.Repository repository, boolean replace) {
            // Same.
        }

        @Override
        public ModelResolver newCopy() {
            return this;
        }
    }
}
