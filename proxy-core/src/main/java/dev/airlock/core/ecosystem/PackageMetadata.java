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
