package dev.airlock.maven;

import org.apache.maven.model.Dependency;
import org.apache.maven.model.Parent;
import org.apache.maven.model.Repository;
import org.apache.maven.model.building.FileModelSource;
import org.apache.maven.model.building.ModelSource2;
import org.apache.maven.model.resolution.ModelResolver;
import org.apache.maven.model.resolution.UnresolvableModelException;
import org.eclipse.aether.DefaultRepositorySystemSession;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.artifact.Artifact;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactRequest;
import org.eclipse.aether.resolution.ArtifactResolutionException;
import org.eclipse.aether.resolution.VersionRangeRequest;
import org.eclipse.aether.resolution.VersionRangeResolutionException;
import org.eclipse.aether.resolution.VersionRangeResult;

import java.util.List;

/**
 * The model builder's view of repositories while it builds the project (parents, BOM
 * imports): Airlock only, whatever the POMs declare. Ranges are resolved as Maven's own
 * resolver does for parents and imports.
 */
final class AirlockModelResolver implements ModelResolver {
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
    public ModelSource2 resolveModel(Dependency dependency) throws UnresolvableModelException {
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
    public void addRepository(Repository repository) {
        // Only Airlock is ever asked: a repository a POM declares is not used.
    }

    @Override
    public void addRepository(Repository repository, boolean replace) {
        // Same.
    }

    @Override
    public ModelResolver newCopy() {
        return this;
    }
}
