package dev.airlock.core.policy;

import dev.airlock.core.ecosystem.RegistryKey;
import dev.airlock.core.store.StateStore;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The keys each registry signs releases with: from operator files (air-gapped networks) and the
 * upstream's keys endpoint, pinned on first use. A key id later published with other key material
 * is not believed (and logged): a registry rotates keys by adding new ids, never by changing one.
 */
public final class RegistryKeys {

    private static final System.Logger LOG = System.getLogger("airlock.policy");
    static final Duration REFRESH = Duration.ofHours(6);

    /** The upstream's keys document for an ecosystem, or null when it publishes none (404). */
    public interface Fetcher {
        byte[] fetch(String ecosystem) throws Exception;
    }

    /** Reads a keys document in the ecosystem's format. */
    public interface Parser {
        List<RegistryKey> parse(String ecosystem, byte[] document) throws Exception;
    }

    private final StateStore state;
    private final Clock clock;
    private final Fetcher fetcher;
    private final Parser parser;
    private final Map<String, Map<String, RegistryKey>> keys = new ConcurrentHashMap<>();
    private final Map<String, Instant> fetchedAt = new ConcurrentHashMap<>();

    public RegistryKeys(StateStore state, Clock clock, Fetcher fetcher, Parser parser) {
        this.state = state;
        this.clock = clock;
        this.fetcher = fetcher;
        this.parser = parser;
    }

    /** Pins keys from an operator's file (at start-up). */
    public void load(String ecosystem, byte[] document) throws Exception {
        for (RegistryKey k : parser.parse(ecosystem, document)) {
            pin(ecosystem, k);
        }
        keys.remove(ecosystem);
    }

    /**
     * An ecosystem's keys by id: pinned ones, refreshed from upstream at most every
     * {@link #REFRESH} (blocking: a worker calls this while deciding).
     */
    public Map<String, RegistryKey> of(String ecosystem) {
        Instant last = fetchedAt.get(ecosystem);
        if (last == null || !clock.instant().isBefore(last.plus(REFRESH))) {
            fetchedAt.put(ecosystem, clock.instant());
            try {
                byte[] doc = fetcher.fetch(ecosystem);
                if (doc != null) {
                    for (RegistryKey k : parser.parse(ecosystem, doc)) {
                        pin(ecosystem, k);
                    }
                }
            } catch (Exception e) {
                LOG.log(Level.WARNING, "cannot read the " + ecosystem + " registry's signing keys: " + e.getMessage());
            }
            keys.remove(ecosystem);
        }
        return keys.computeIfAbsent(ecosystem, eco -> {
            Map<String, RegistryKey> m = new HashMap<>();
            state.pinnedKeys(eco).forEach(k -> m.put(k.keyid(), k));
            return Map.copyOf(m);
        });
    }

    private void pin(String ecosystem, RegistryKey key) {
        RegistryKey pinned = state.pinKey(ecosystem, key, clock.instant());
        if (!pinned.spki().equals(key.spki())) {
            LOG.log(Level.WARNING, "the " + ecosystem + " registry now publishes other key material under key id " + key.keyid()
                    + "; keeping the key pinned on first use");
        }
    }
}
