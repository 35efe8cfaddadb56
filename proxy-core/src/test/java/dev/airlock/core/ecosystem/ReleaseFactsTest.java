package dev.airlock.core.ecosystem;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ReleaseFactsTest {

    @Test
    void theCanonicalTextIsTheRecordsOwnText() {
        // Stored decisions name digests of the facts' text: the fast writer must print exactly what
        // the record's generated toString prints, for every shape of facts a document can give.
        Map<String, String> hooks = new LinkedHashMap<>();
        hooks.put("postinstall", "node install.js, then = {x}");
        hooks.put("install", "node-gyp rebuild");
        List<ReleaseFacts> all = List.of(
                new ReleaseFacts("1.0.0", null, null, null, null, null, null, null),
                new ReleaseFacts("2.0.0-rc.1+build", Instant.parse("2024-02-29T23:59:59.123456Z"), "alice",
                        Set.of("bob", "alice", "carol"), hooks, Map.of("b", "^1.0.0", "a", "~2 || >=3"),
                        List.of(new ReleaseFacts.RegistrySignature("SHA256:key", "MEUCIQ==", "pkg@2.0.0:sha512-x")),
                        "https://slsa.dev/provenance/v1"),
                new ReleaseFacts("3.0.0", Instant.EPOCH, "", Set.of(), Map.of(), Map.of(), List.of(), ""),
                new ReleaseFacts("4.0.0", Instant.parse("2025-01-01T00:00:00Z"), null, Set.of("x"), null, Map.of("só", "1"),
                        List.of(new ReleaseFacts.RegistrySignature(null, "s1", null),
                                new ReleaseFacts.RegistrySignature("k2", "s2", "m2")), null));
        for (ReleaseFacts f : all) {
            assertEquals(f.toString(), f.canonical());
        }
    }
}
