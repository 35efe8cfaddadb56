package dev.airlock.npm;

import dev.airlock.core.ecosystem.Request;
import dev.airlock.core.ecosystem.RequestHeaders;
import dev.airlock.core.ecosystem.Route;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

/** How npm client requests map to routes (paths arrive decoded once, as the core delivers them). */
class NpmEcosystemTest {

    private final NpmEcosystem npm = new NpmEcosystem((cmd, env) -> java.util.Optional.empty());

    private static Request get(String path, String accept) {
        return new Request("GET", path, null, RequestHeaders.of(accept == null ? Map.of() : Map.of("accept", accept)), new byte[0]);
    }

    @Test
    void packumentsInEverySpellingOfAScopedName() {
        // "@scope%2fname", "%2F" and "@scope/name" all arrive as "@scope/name" and name the same document.
        Route.Metadata m = assertInstanceOf(Route.Metadata.class, npm.route(get("/@acme/util", "application/json")));
        assertEquals("@acme/util", m.request().packageName());
        assertEquals("@acme%2futil", m.request().upstreamPath());
        assertEquals("full", m.request().variant());
        Route.Metadata plain = assertInstanceOf(Route.Metadata.class, npm.route(get("/left-pad", null)));
        assertEquals("left-pad", plain.request().upstreamPath());
    }

    @Test
    void corgiAcceptSelectsTheAbbreviatedVariant() {
        // pacote's corgi Accept header selects the abbreviated document, cached apart from the full one.
        Route.Metadata m = assertInstanceOf(Route.Metadata.class, npm.route(get("/ms",
                "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*")));
        assertEquals("abbreviated", m.request().variant());
        assertEquals("abbreviated:ms", m.request().cacheKey());
    }

    @Test
    void tarballsAreArtifactsOfTheirPackage() {
        // Tarball paths (scoped ones with a literal slash) become artifact routes resolved through the full packument.
        Route.Artifact a = assertInstanceOf(Route.Artifact.class, npm.route(get("/@acme/util/-/util-1.2.3.tgz", null)));
        assertEquals("@acme/util", a.metadata().packageName());
        assertEquals("util-1.2.3.tgz", a.filename());
        assertEquals("full", a.metadata().variant());
    }

    @Test
    void invalidNamesAndMethodsAreRejected() {
        // Names npm could never publish, extra path segments and writes get a clean 4xx, never a lookup.
        assertEquals(400, assertInstanceOf(Route.Reject.class, npm.route(get("/.hidden", null))).status());
        assertEquals(400, assertInstanceOf(Route.Reject.class, npm.route(get("/@acme", null))).status());
        assertEquals(400, assertInstanceOf(Route.Reject.class, npm.route(get("/a b", null))).status());
        assertEquals(400, assertInstanceOf(Route.Reject.class, npm.route(get("/x/-/x-1.0.0.zip", null))).status());
        assertEquals(400, assertInstanceOf(Route.Reject.class, npm.route(get("/" + "a".repeat(215), null))).status());
        assertEquals(404, assertInstanceOf(Route.Reject.class, npm.route(get("/x/1.0.0/extra", null))).status());
        Request put = new Request("PUT", "/x", null, RequestHeaders.of(Map.of()), new byte[0]);
        assertEquals(405, assertInstanceOf(Route.Reject.class, npm.route(put)).status());
    }

    @Test
    void registryEndpointsPassThroughAlsoAtTheOriginRoot() {
        // npm asks for keys, attestations, search and audit at the origin root, dropping the registry path prefix.
        assertEquals("-/ping", assertInstanceOf(Route.Passthrough.class, npm.route(get("/-/ping", null))).upstreamPath());
        assertEquals("-/npm/v1/keys", assertInstanceOf(Route.Passthrough.class, npm.routeRoot(get("/-/npm/v1/keys", null))).upstreamPath());
        assertEquals("-/npm/v1/attestations/@playwright%2fcli@0.1.1", assertInstanceOf(Route.Passthrough.class,
                npm.routeRoot(get("/-/npm/v1/attestations/@playwright/cli@0.1.1", null))).upstreamPath());
        Request search = new Request("GET", "/-/v1/search", "text=left&size=2", RequestHeaders.of(Map.of()), new byte[0]);
        assertEquals("-/v1/search?text=left&size=2", assertInstanceOf(Route.Passthrough.class, npm.routeRoot(search)).upstreamPath());
        Request audit = new Request("POST", "/-/npm/v1/security/advisories/bulk", null, RequestHeaders.of(Map.of()), "{}".getBytes());
        assertInstanceOf(Route.Passthrough.class, npm.routeRoot(audit));
        assertNull(npm.routeRoot(get("/left-pad", null)));
        assertNull(npm.routeRoot(get("/-/npm/v1/unknown", null)));
        assertEquals(400, assertInstanceOf(Route.Reject.class, npm.routeRoot(get("/-/npm/v1/attestations/no-version", null))).status());
    }
}
