package dev.airlock.core.ecosystem;

import java.util.List;
import java.util.Optional;

/**
 * A parsed upstream metadata document: the facts the core needs, and the ability to render the
 * document again for clients, filtered and with URLs pointing at Airlock.
 *
 * <p>Instances are immutable and shared between threads; the core caches them by weight.
 */
public interface PackageMetadata {

    String packageName();

    /** Every release the document lists, in the upstream's publish order where it gives one. */
    List<ReleaseInfo> releases();

    /** The artifact file with this name, if the document lists it. */
    Optional<ArtifactRef> artifact(String filename);

    /** Renders the document for a client. Called once per distinct context; the result is cached. */
    Rendered render(RenderContext context);

    /** Approximate heap bytes held by this object, for the cache's weigher. */
    long weight();
}
