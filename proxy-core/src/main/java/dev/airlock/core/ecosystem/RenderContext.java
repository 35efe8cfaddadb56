package dev.airlock.core.ecosystem;

import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * How a metadata document should be rendered for a client.
 *
 * @param mountUrl absolute URL of the ecosystem's mount on Airlock, ending with "/"
 *                 (e.g. {@code http://localhost:8080/npm/}); artifact URLs are rewritten under it
 * @param visible  which versions the client may see; hidden versions are left out entirely
 * @param facts    what Airlock knows of each listed file, by file name ({@link FileFacts#NONE}
 *                 when nothing); filled only for ecosystems that {@linkplain Ecosystem#rendersFileFacts() ask}
 * @param held     for each version hidden by the policy, one line saying why and how to ask for
 *                 it: for protocols that can tell the client (npm prints {@code npm-notice})
 * @param files    which files of visible versions may be listed (a file added to an old release
 *                 is held until it comes of age itself)
 */
public record RenderContext(String mountUrl, Predicate<String> visible, Function<String, FileFacts> facts,
                            Map<String, String> held, Predicate<String> files) {

    public RenderContext {
        Objects.requireNonNull(mountUrl, "mountUrl");
        Objects.requireNonNull(visible, "visible");
        Objects.requireNonNull(facts, "facts");
        held = Map.copyOf(held);
        Objects.requireNonNull(files, "files");
    }

    public RenderContext(String mountUrl, Predicate<String> visible, Function<String, FileFacts> facts) {
        this(mountUrl, visible, facts, Map.of(), f -> true);
    }

    /** A context without file facts. */
    public RenderContext(String mountUrl, Predicate<String> visible) {
        this(mountUrl, visible, f -> FileFacts.NONE);
    }

    public FileFacts factsOf(String filename) {
        FileFacts f = facts.apply(filename);
        return f == null ? FileFacts.NONE : f;
    }
}
