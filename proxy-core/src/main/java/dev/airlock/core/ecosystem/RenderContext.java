package dev.airlock.core.ecosystem;

import java.util.function.Predicate;

/**
 * How a metadata document should be rendered for a client.
 *
 * @param mountUrl absolute URL of the ecosystem's mount on Airlock, ending with "/"
 *                 (e.g. {@code http://localhost:8080/npm/}); artifact URLs are rewritten under it
 * @param visible  which versions the client may see; hidden versions are left out entirely
 */
public record RenderContext(String mountUrl, Predicate<String> visible) {
}
