package dev.airlock.core.ecosystem;

import java.util.OptionalLong;

/**
 * A file a metadata document lists, for ecosystems whose renderings use {@link FileFacts}.
 *
 * @param artifact where the file comes from and its digest
 * @param size     the size the document declares, empty when it declares none (Airlock then asks
 *                 upstream for it in the background)
 */
public record ListedFile(ArtifactRef artifact, OptionalLong size) {
}
