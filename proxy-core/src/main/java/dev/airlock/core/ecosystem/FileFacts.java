package dev.airlock.core.ecosystem;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What Airlock itself knows about one file a metadata document lists, beyond what the document
 * says: for renderings that must state facts an upstream leaves out (a static PEP 503 tree gives
 * no sizes, upload times or core metadata).
 *
 * @param size      the file's size: exact once Airlock holds the file, else what upstream's
 *                  {@code Content-Length} said when Airlock asked; empty when neither is known
 * @param firstSeen when Airlock first saw the file listed with its current digest; a file can
 *                  never have been published later than this, so it is a safe upper bound of the
 *                  upload time (the direction a "not newer than" client check needs)
 * @param derived   files Airlock made from the cached artifact, by the name they are served under
 *                  (a wheel's {@code .metadata}), with the SHA-256 of the bytes it serves
 */
public record FileFacts(OptionalLong size, Optional<Instant> firstSeen, Map<String, Digest> derived) {

    public static final FileFacts NONE = new FileFacts(OptionalLong.empty(), Optional.empty(), Map.of());

    public FileFacts {
        derived = Map.copyOf(derived);
    }
}
