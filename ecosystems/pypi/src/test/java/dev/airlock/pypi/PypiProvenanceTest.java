package dev.airlock.pypi;

import dev.airlock.config.UpstreamConfig;
import dev.airlock.core.ecosystem.ContentFacts;
import dev.airlock.core.ecosystem.EcosystemContext;
import dev.airlock.core.ecosystem.SignatureRef;
import dev.airlock.core.ecosystem.SignatureTrust;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the PyPI module asks the core to fetch for a file's PEP 740 provenance, and what it records from the answer. */
class PypiProvenanceTest {

    private static final String WHEEL = "pkg-1.0-py3-none-any.whl";
    private static final String SDIST = "pkg-1.0.tar.gz";

    @TempDir
    Path tmp;

    private final PypiEcosystem pypi = new PypiEcosystem();
    private Path wheel;
    private String sha;

    @BeforeEach
    void setUp() throws Exception {
        pypi.configure(new EcosystemContext(UpstreamConfig.empty(), Map.of(), tmp, Clock.systemUTC(),
                new SignatureTrust(Pep740Test.verifier(), List.of())));
        wheel = tmp.resolve(WHEEL);
        Files.write(wheel, "the wheel's bytes".getBytes(StandardCharsets.UTF_8));
        sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(wheel)));
    }

    /** A PEP 691 page listing the wheel with a relative provenance URL and the sdist with none. */
    private ProjectPage page() throws Exception {
        String json = "{\"meta\":{\"api-version\":\"1.3\"},\"name\":\"pkg\",\"files\":["
                + "{\"filename\":\"" + WHEEL + "\",\"url\":\"../../files/" + WHEEL + "\",\"hashes\":{\"sha256\":\"" + sha + "\"},"
                + "\"provenance\":\"../../integrity/pkg/1.0/" + WHEEL + "/provenance\"},"
                + "{\"filename\":\"" + SDIST + "\",\"url\":\"../../files/" + SDIST + "\",\"hashes\":{\"sha256\":\"" + "ab".repeat(32) + "\"},"
                + "\"provenance\":null}]}";
        return ProjectPage.parse("pkg", SimpleFormat.JSON, URI.create("https://index.test/simple/pkg/"),
                json.getBytes(StandardCharsets.UTF_8), "application/vnd.pypi.simple.v1+json");
    }

    private ContentFacts verify(ProjectPage page, String file, Map<String, byte[]> found) {
        return pypi.verifySignatures(page, "pkg", "1.0", file, wheel, found);
    }

    private static Map<String, byte[]> found(byte[] provenance) {
        Map<String, byte[]> m = new HashMap<>();
        m.put(PypiEcosystem.PROVENANCE, provenance);
        return m;
    }

    @Test
    void theAdvertisedProvenanceUrlIsFetchedResolvedAgainstThePage() throws Exception {
        // The Integrity API's Accept, at the listing's URL made absolute; files without provenance and .metadata fetch nothing.
        List<SignatureRef> refs = pypi.signaturesOf(page(), WHEEL);
        assertEquals(List.of(SignatureRef.at(PypiEcosystem.PROVENANCE,
                URI.create("https://index.test/integrity/pkg/1.0/" + WHEEL + "/provenance"),
                "application/vnd.pypi.integrity.v1+json")), refs);
        assertEquals(List.of(), pypi.signaturesOf(page(), SDIST));
        assertEquals(List.of(), pypi.signaturesOf(page(), WHEEL + ".metadata"));
        assertEquals(List.of(), pypi.signaturesOf(null, WHEEL));
    }

    @Test
    void theHtmlAttributeIsReadToo() throws Exception {
        String html = "<a href=\"../../files/" + WHEEL + "#sha256=" + sha + "\" data-provenance=\"/integrity/pkg/1.0/" + WHEEL
                + "/provenance\">" + WHEEL + "</a>";
        ProjectPage p = ProjectPage.parse("pkg", SimpleFormat.HTML, URI.create("https://index.test/simple/pkg/"),
                html.getBytes(StandardCharsets.UTF_8), "text/html");
        assertEquals(URI.create("https://index.test/integrity/pkg/1.0/" + WHEEL + "/provenance"),
                pypi.signaturesOf(p, WHEEL).get(0).url());
    }

    @Test
    void aVerifiedProvenanceRecordsWhoBuiltTheFile() throws Exception {
        byte[] doc = Pep740Test.provenance(Pep740Test.SIGSTORE, Pep740Test.ACME, WHEEL, sha).toString().getBytes(StandardCharsets.UTF_8);
        ContentFacts facts = verify(page(), WHEEL, found(doc));
        assertEquals(List.of(), facts.signatureFailures());
        assertEquals("https://github.com/acme/pkg", facts.signer().get(ContentFacts.REPOSITORY));
        assertEquals(".github/workflows/release.yml", facts.signer().get(ContentFacts.WORKFLOW));
        assertEquals("refs/tags/v1.0", facts.signer().get(ContentFacts.REF));
        assertTrue(facts.signer().get(ContentFacts.PROVENANCE).startsWith("https://github.com/acme/pkg/"), facts.toString());
    }

    @Test
    void provenanceOverOtherBytesIsASignatureFailure() throws Exception {
        // The hash compared is the one of the bytes Airlock holds, not the listing's claim.
        byte[] doc = Pep740Test.provenance(Pep740Test.SIGSTORE, Pep740Test.ACME, WHEEL, "0f".repeat(32)).toString()
                .getBytes(StandardCharsets.UTF_8);
        ContentFacts facts = verify(page(), WHEEL, found(doc));
        assertEquals(Map.of(), facts.signer());
        assertEquals(1, facts.signatureFailures().size());
        assertTrue(facts.signatureFailures().get(0).startsWith("the PEP 740 provenance of " + WHEEL + " does not verify: "),
                facts.signatureFailures().toString());
        assertTrue(verify(page(), WHEEL, found("garbage".getBytes(StandardCharsets.UTF_8))).signatureFailures().get(0)
                .contains("not JSON"));
    }

    @Test
    void noProvenanceIsRecordedAsNoneAndAnUnfetchedOneAsUnchecked() throws Exception {
        // "" lets the policy see a release that dropped its provenance; a fetch that failed concludes nothing.
        assertEquals(Map.of(ContentFacts.PROVENANCE, ""), verify(page(), SDIST, Map.of()).signer());
        assertEquals(Map.of(ContentFacts.PROVENANCE, ""), verify(page(), WHEEL, found(null)).signer());
        assertSame(ContentFacts.NONE, verify(page(), WHEEL, Map.of()));
        assertSame(ContentFacts.NONE, verify(page(), WHEEL + ".metadata", Map.of()));
        assertSame(ContentFacts.NONE, verify(page(), "pkg-9.9.tar.gz", Map.of()));
        assertSame(ContentFacts.NONE, pypi.verifySignatures(null, "pkg", "1.0", WHEEL, wheel, Map.of()));
    }
}
