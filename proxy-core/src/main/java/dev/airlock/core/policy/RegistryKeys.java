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
import java.util.Set;
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
    /** Ecosystems whose keys an operator's files give: then only those are trusted, nothing is fetched. */
    private final Set<String> fromFiles = ConcurrentHashMap.newKeySet();
    static final Duration RETRY = Duration.ofMinutes(5);

    public RegistryKeys(StateStore state, Clock clock, Fetcher fetcher, Parser parser) {
        this.state = state;
        this.clock = clock;
        this.fetcher = fetcher;
        this.parser = parser;
    }

    /** Pins keys from an operator's file (at start-up). */
    public void load(String ecosystem, byte[] document) throws Exception {
        Map<String, RegistryKey> given = new HashMap<>(fromFiles.contains(ecosystem) ? keys.getOrDefault(ecosystem, Map.of()) : Map.of());
        for (RegistryKey k : parser.parse(ecosystem, document)) {
            pin(ecosystem, k);
            given.put(k.keyid(), k);
        }
        fromFiles.add(ecosystem);
        keys.put(ecosystem, Map.copyOf(given));
    }

    /**
     * An ecosystem's keys by id: pinned ones, refreshed from upstream at most every
     * {@link #REFRESH} (blocking: a worker calls this while deciding).
     */
    public synchronized Map<String, RegistryKey> of(String ecosystem) {
        if (fromFiles.contains(ecosystem)) {
            return keys.getOrDefault(ecosystem, Map.of());
        }
        Instant last = fetchedAt.get(ecosystem);
        if (last == null || !clock.instant().isBefore(last)) {
            Instant next = clock.instant().plus(REFRESH);
            try {
                byte[] doc = fetcher.fetch(ecosystem);
                if (doc != null) {
                    for (RegistryKey k : parser.parse(ecosystem, doc)) {
                        pin(ecosystem, k);
                    }
                }
            } catch (Exception e) {
                // Asked again soon, not in six hours: until then the keys pinned before still apply.
                next = clock.instant().plus(RETRY);
                LOG.log(Level.WARNING, "cannot read the " + ecosystem + " registry's signing keys: " + e.getMessage());
            }
            fetchedAt.put(ecosystem, next);
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
