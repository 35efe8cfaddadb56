package dev.airlock.core.ecosystem;

import java.util.List;
import java.util.Optional;

/**
 * The facts parsed from an upstream metadata document, and the ability to render that document
 * again for clients, filtered and with URLs pointing at Airlock.
 *
 * <p>Instances are immutable and shared between threads; the core caches them by weight.
 */
public interface PackageMetadata {

    String packageName();

    /** Every release the document lists, in the upstream's publish order where it gives one. */
    List<ReleaseInfo> releases();

    /**
     * Every file the document lists, for ecosystems that {@linkplain Ecosystem#rendersFileFacts()
     * render file facts}; others may leave the default.
     */
    default List<ListedFile> files() {
        return List.of();
    }

    /**
     * The ecosystem's version order, or null when it has none the core may use. With it, a
     * release is compared with the highest lower one published before it (see
     * {@code PolicyEngine.previous}); without it, with the one before it in {@link #releases()}.
     */
    default VersionOrder versionOrder() {
        return null;
    }

    /**
     * Whether this document is the one the policy decides the package's releases from (npm's
     * packument, a PyPI project page, an artifact's maven-metadata.xml). Other documents about
     * the package (a JSON API view, a project list) are rendered with what it decided.
     */
    default boolean governsReleases() {
        return false;
    }

    /**
     * What the document says about each release for the policy checks, in the same (publish)
     * order as {@link #releases()}. The default knows only versions and publish times.
     */
    default List<ReleaseFacts> releaseFacts() {
        return releases().stream().map(ReleaseFacts::of).toList();
    }

    /**
     * The routes of a release's files worth inspecting before clients may have it (its tarball,
     * wheels, jar): Airlock fetches and reads them in the background while the release is held
     * for its age, so that what they contain is known when it comes of age.
     */
    default List<Route> artifactsOf(String version) {
        return List.of();
    }

    /** The artifact file with this name, if the document lists it. */
    Optional<ArtifactRef> artifact(String filename);

    /**
     * Renders the document for a client. Called once per distinct context; the result is cached.
     *
     * @param document the upstream bytes this object was parsed from; the core keeps them on disk
     *                 rather than in this object, so that large documents cost memory only once,
     *                 as their rendering
     */
    Rendered render(byte[] document, RenderContext context);

    /** Approximate heap bytes held by this object (not counting the document), for the cache's weigher. */
    long weight();
}
