package dev.airlock.pypi;

import dev.airlock.core.ecosystem.Request;
import dev.airlock.core.ecosystem.RequestHeaders;
import dev.airlock.core.ecosystem.Route;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** How pip's requests map to routes, and how the representation is negotiated. */
class PypiEcosystemTest {

    private static final String PIP_ACCEPT = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01";
    private final PypiEcosystem pypi = new PypiEcosystem();

    private static Request get(String path, String query, String accept) {
        return new Request("GET", path, query, RequestHeaders.of(accept == null ? Map.of() : Map.of("accept", accept)), new byte[0]);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01 | | JSON",
            "text/html | | HTML",
            "application/vnd.pypi.simple.v1+html | | HTML_V1",
            "application/vnd.pypi.simple.v1+json; q=0.2, text/html | | HTML",
            "application/vnd.pypi.simple.latest+json | | JSON",
            "*/* | | HTML",
            " | | HTML",
            "text/html | application/vnd.pypi.simple.v1+json | JSON"})
    void negotiation(String accept, String format, SimpleFormat expected) {
        // q-values decide as pip and PyPI expect; ?format= overrides the header.
        assertEquals(expected, SimpleFormat.negotiate(accept, format));
    }

    @Test
    void projectPagesAndRedirects() {
        // Normalised names are pages; other spellings and a missing slash redirect; invalid names are 400.
        Route.Metadata m = assertInstanceOf(Route.Metadata.class, pypi.route(get("/simple/fixture-a/", null, PIP_ACCEPT)));
        assertEquals("fixture-a", m.request().packageName());
        assertEquals("json", m.request().variant());
        assertEquals("fixture-a/", m.request().upstreamPath());
        assertEquals("/pypi/simple/fixture-a/", assertInstanceOf(Route.Redirect.class, pypi.route(get("/simple/Fixture.A/", null, null))).location());
        assertEquals("/pypi/simple/fixture-a/", assertInstanceOf(Route.Redirect.class, pypi.route(get("/simple/fixture-a", null, null))).location());
        assertEquals(400, assertInstanceOf(Route.Reject.class, pypi.route(get("/simple/-bad-/", null, null))).status());
        assertEquals(400, assertInstanceOf(Route.Reject.class, pypi.route(get("/simple/a/b/", null, null))).status());
        assertEquals("", assertInstanceOf(Route.Metadata.class, pypi.route(get("/simple/", null, null))).request().packageName());
    }

    @Test
    void filesAndTheirMetadata() {
        // Files are artifacts of their project; names that are not its distributions are refused before any lookup.
        Route.Artifact a = assertInstanceOf(Route.Artifact.class, pypi.route(get("/files/fixture-a/fixture_a-1.0-py3-none-any.whl", null, null)));
        assertEquals("fixture-a", a.metadata().packageName());
        Route.Artifact md = assertInstanceOf(Route.Artifact.class,
                pypi.route(get("/files/fixture-a/fixture_a-1.0-py3-none-any.whl.metadata", null, null)));
        assertEquals("fixture_a-1.0-py3-none-any.whl.metadata", md.filename());
        assertEquals(400, assertInstanceOf(Route.Reject.class, pypi.route(get("/files/fixture-a/other-1.0.tar.gz", null, null))).status());
        assertEquals(400, assertInstanceOf(Route.Reject.class, pypi.route(get("/files/fixture-a/fixture_a.exe", null, null))).status());
        assertEquals(400, assertInstanceOf(Route.Reject.class, pypi.route(get("/files/fixture-a", null, null))).status());
        assertEquals(405, assertInstanceOf(Route.Reject.class,
                pypi.route(new Request("POST", "/simple/", null, RequestHeaders.of(Map.of()), new byte[0]))).status());
    }
}
