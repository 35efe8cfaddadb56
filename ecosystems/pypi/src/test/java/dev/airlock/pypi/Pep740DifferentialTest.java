package dev.airlock.pypi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.trust.SigstoreBundle;
import dev.airlock.core.trust.SigstoreVerifier;
import dev.airlock.core.trust.Statement;
import dev.airlock.core.trust.TrustedRoot;
import dev.airlock.core.trust.testing.FakeRekor;
import dev.airlock.core.trust.testing.FakeSigstore;
import dev.sigstore.KeylessVerifier;
import dev.sigstore.TrustedRootProvider;
import dev.sigstore.VerificationOptions;
import dev.sigstore.bundle.Bundle;
import dev.sigstore.strings.StringMatcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Airlock's PEP 740 verification against the reference implementation, sigstore-java 2.0.0, on
 * every attestation both can read: the real provenance of two PyPI releases against the
 * public-good root Airlock ships, provenance made by the tests' own Sigstore, and tampered copies
 * of each.
 *
 * <p>Two levels are compared. A provenance object goes through {@link Pep740#verify} on Airlock's
 * side, and on sigstore-java's each attestation becomes a v0.3 bundle (converted here, not with
 * Airlock's own conversion) verified by {@link KeylessVerifier} with the publisher PyPI names as
 * identity policy, as {@code pypi-attestations} does. What a PEP 740 attestation cannot express
 * (the payload type, several envelope signatures, several log entries) is tampered in the
 * converted bundle and compared there: {@link SigstoreVerifier#verifyDsse} and the statement's
 * subject against the same sigstore-java call.
 *
 * <p>The two must agree on every case but those in {@link #INTENDED}, where Airlock is stricter
 * or more lenient on purpose; each is asserted to occur, so a change on either side shows.
 */
class Pep740DifferentialTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper SORTED = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    private static final String REAL = "/real-pep740/";
    private static final String GITHUB_ISSUER = "https://token.actions.githubusercontent.com";

    /**
     * Where the two differ on purpose, by case name: true when Airlock accepts and sigstore-java
     * refuses, false for the opposite.
     */
    private static final Map<String, Boolean> INTENDED = Map.of(
            // PEP 740 binds an attestation to a file by name and digest; sigstore-java matches the
            // artifact by its sha256 among the subjects only, so a statement about another file name
            // with the same bytes passes there. Pep740 compares the name too (PyPI's normalisation aside).
            "asked for another file", false,
            "subject name (re-signed)", false,
            // sigstore-java 2.0.0 validates the leaf at its own notBefore and never compares the
            // log's integrated time with the certificate's validity; a signature the log recorded
            // outside the ten minutes the certificate was valid is what a stolen key looks like, and
            // Airlock refuses it.
            "certificate expired when logged (re-signed)", false,
            "certificate not yet valid when logged (re-signed)", false,
            // The entry's kindVersion is outside what the log signed; sigstore-java reads the kind
            // from the signed body only. Airlock wants the two to agree.
            "tlog kindVersion kind", false,
            // Airlock uses the first entry from a log it trusts and skips one from a log it does not
            // know; sigstore-java verifies the first entry whatever its log, and refuses.
            "unknown log entry first", true,
            // In a tree of one leaf the proof is empty and the root is the leaf's hash. sigstore-java
            // checks neither that the index is inside the tree, nor that the proof was used up, nor
            // that the checkpoint's tree size is the proof's, so any index and size pass there; Airlock
            // follows RFC 6962 and refuses. Only the tests' own log is ever this small.
            "inclusion proof index (one-leaf tree)", false,
            "inclusion proof tree size (one-leaf tree)", false);

    @TempDir
    Path tmp;

    /** A provenance object and the file it must vouch for. */
    private record Case(ObjectNode provenance, String filename, String sha256) {
    }

    /** A bundle converted from one attestation, its publisher and the file it must vouch for. */
    private record BundleCase(ObjectNode bundle, JsonNode publisher, String filename, String sha256) {
    }

    // ------------------------------------------------------------------------------------------ the two verifiers

    private static boolean ours(SigstoreVerifier v, Case c) {
        try {
            Pep740.verify(c.provenance().toString().getBytes(StandardCharsets.UTF_8), c.filename(), c.sha256(), v);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static boolean ours(SigstoreVerifier v, BundleCase c) {
        try {
            SigstoreVerifier.Verified r = v.verifyDsse(SigstoreBundle.parse(c.bundle()), null);
            return Statement.parse(r.payloadType(), r.payload()).mismatch(c.filename(), "sha256", c.sha256()) == null;
        } catch (Exception e) {
            return false;
        }
    }

    /** Every attestation of every bundle verifies with sigstore-java, under its publisher's identity. */
    private static boolean theirs(KeylessVerifier v, Case c) {
        try {
            int n = 0;
            for (JsonNode b : c.provenance().path("attestation_bundles")) {
                for (JsonNode a : b.path("attestations")) {
                    if (!theirs(v, new BundleCase(toBundle(a), b.path("publisher"), c.filename(), c.sha256()))) {
                        return false;
                    }
                    n++;
                }
            }
            return n > 0;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static boolean theirs(KeylessVerifier v, BundleCase c) {
        try {
            v.verify(HexFormat.of().parseHex(c.sha256()), Bundle.from(new StringReader(c.bundle().toString())), policy(c.publisher()));
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * A PEP 740 attestation as a Sigstore bundle v0.3: the certificate and log entries become the
     * verification material, the statement an in-toto DSSE envelope's payload with the one signature.
     */
    static ObjectNode toBundle(JsonNode attestation) {
        ObjectNode b = JSON.createObjectNode();
        b.put("mediaType", "application/vnd.dev.sigstore.bundle.v0.3+json");
        ObjectNode vm = b.putObject("verificationMaterial");
        vm.putObject("certificate").put("rawBytes", attestation.at("/verification_material/certificate").asText());
        vm.set("tlogEntries", attestation.at("/verification_material/transparency_entries").deepCopy());
        ObjectNode env = b.putObject("dsseEnvelope");
        env.put("payload", attestation.at("/envelope/statement").asText());
        env.put("payloadType", "application/vnd.in-toto+json");
        env.putArray("signatures").addObject().put("sig", attestation.at("/envelope/signature").asText());
        return b;
    }

    /**
     * The Trusted Publisher as an identity policy: for GitHub the certificate's subject must be that
     * repository's workflow file at some ref, issued to GitHub Actions (GitHub's names are not case
     * sensitive, a workflow's file name is).
     */
    private static VerificationOptions policy(JsonNode publisher) throws dev.sigstore.strings.RegexSyntaxException {
        if (!publisher.path("kind").asText().equals("GitHub")) {
            return VerificationOptions.empty();
        }
        String san = "https://github\\.com/(?i:" + Pattern.quote(publisher.path("repository").asText()) + ")/\\.github/workflows/"
                + Pattern.quote(publisher.path("workflow").asText()) + "@.*";
        return VerificationOptions.builder().addCertificateMatchers(VerificationOptions.CertificateMatcher.fulcio()
                .subjectAlternativeName(StringMatcher.regex(san)).issuer(StringMatcher.string(GITHUB_ISSUER)).build()).build();
    }

    // ------------------------------------------------------------------------------------------ tampering

    private static String flip(String b64) {
        byte[] b = Base64.getDecoder().decode(b64);
        b[b.length / 2] ^= 0x01;
        return Base64.getEncoder().encodeToString(b);
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    private static byte[] unb64(String s) {
        return Base64.getDecoder().decode(s);
    }

    /** The first log entry of an attestation or a bundle. */
    private static ObjectNode entry(ObjectNode a) {
        JsonNode e = a.at("/verification_material/transparency_entries/0");
        return (ObjectNode) (e.isMissingNode() ? a.at("/verificationMaterial/tlogEntries/0") : e);
    }

    private static ObjectNode editBody(ObjectNode e, UnaryOperator<ObjectNode> edit) {
        try {
            ObjectNode body = (ObjectNode) JSON.readTree(unb64(e.path("canonicalizedBody").asText()));
            e.put("canonicalizedBody", b64(SORTED.writeValueAsBytes(edit.apply(body))));
            return e;
        } catch (java.io.IOException x) {
            throw new IllegalStateException(x);
        }
    }

    /** Tampered copies of one attestation, by what was tampered (all in PEP 740's own fields). */
    private static Map<String, UnaryOperator<ObjectNode>> attestationEdits() {
        Map<String, UnaryOperator<ObjectNode>> m = new LinkedHashMap<>();
        m.put("as published", a -> a);
        m.put("statement byte", a -> {
            ObjectNode env = (ObjectNode) a.path("envelope");
            env.put("statement", flip(env.path("statement").asText()));
            return a;
        });
        m.put("statement reserialised", a -> {
            ObjectNode env = (ObjectNode) a.path("envelope");
            try {
                env.put("statement", b64(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(JSON.readTree(unb64(env.path("statement").asText())))));
            } catch (java.io.IOException x) {
                throw new IllegalStateException(x);
            }
            return a;
        });
        m.put("subject digest", a -> {
            ObjectNode env = (ObjectNode) a.path("envelope");
            String s = new String(unb64(env.path("statement").asText()), StandardCharsets.UTF_8);
            env.put("statement", b64(s.replaceFirst("\"sha256\":\"([0-9a-f])", "\"sha256\":\"0").getBytes(StandardCharsets.UTF_8)));
            return a;
        });
        m.put("subject name", a -> {
            ObjectNode env = (ObjectNode) a.path("envelope");
            String s = new String(unb64(env.path("statement").asText()), StandardCharsets.UTF_8);
            env.put("statement", b64(s.replaceFirst("\"name\":\"", "\"name\":\"x").getBytes(StandardCharsets.UTF_8)));
            return a;
        });
        m.put("signature", a -> {
            ObjectNode env = (ObjectNode) a.path("envelope");
            env.put("signature", flip(env.path("signature").asText()));
            return a;
        });
        m.put("certificate", a -> {
            ObjectNode vm = (ObjectNode) a.path("verification_material");
            vm.put("certificate", flip(vm.path("certificate").asText()));
            return a;
        });
        m.put("no log entry", a -> {
            ((ArrayNode) a.at("/verification_material/transparency_entries")).removeAll();
            return a;
        });
        m.put("inclusion proof hash", a -> {
            ArrayNode hashes = (ArrayNode) entry(a).at("/inclusionProof/hashes");
            if (!hashes.isEmpty()) {
                hashes.set(0, JSON.getNodeFactory().textNode(flip(hashes.get(0).asText())));
            }
            return a;
        });
        m.put("inclusion proof hash dropped", a -> {
            ArrayNode hashes = (ArrayNode) entry(a).at("/inclusionProof/hashes");
            if (!hashes.isEmpty()) {
                hashes.remove(hashes.size() - 1);
            }
            return a;
        });
        m.put("inclusion proof root hash", a -> {
            ObjectNode p = (ObjectNode) entry(a).path("inclusionProof");
            p.put("rootHash", flip(p.path("rootHash").asText()));
            return a;
        });
        m.put("inclusion proof index", a -> {
            ObjectNode p = (ObjectNode) entry(a).path("inclusionProof");
            p.put("logIndex", String.valueOf(Long.parseLong(p.path("logIndex").asText()) ^ 1));
            return a;
        });
        m.put("inclusion proof tree size", a -> {
            ObjectNode p = (ObjectNode) entry(a).path("inclusionProof");
            p.put("treeSize", String.valueOf(Long.parseLong(p.path("treeSize").asText()) + 1));
            return a;
        });
        m.put("no inclusion proof", a -> {
            entry(a).remove("inclusionProof");
            return a;
        });
        m.put("checkpoint tree size", a -> {
            ObjectNode cp = (ObjectNode) entry(a).at("/inclusionProof/checkpoint");
            cp.put("envelope", cp.path("envelope").asText().replaceFirst("\n([0-9]+)\n", "\n1$1\n"));
            return a;
        });
        m.put("checkpoint root hash", a -> {
            ObjectNode cp = (ObjectNode) entry(a).at("/inclusionProof/checkpoint");
            String[] lines = cp.path("envelope").asText().split("\n", -1);
            lines[2] = flip(lines[2]);
            cp.put("envelope", String.join("\n", lines));
            return a;
        });
        m.put("checkpoint signature", a -> {
            ObjectNode cp = (ObjectNode) entry(a).at("/inclusionProof/checkpoint");
            String env = cp.path("envelope").asText();
            int sig = env.lastIndexOf(' ') + 1;
            cp.put("envelope", env.substring(0, sig) + flip(env.substring(sig).trim()) + "\n");
            return a;
        });
        m.put("signed entry timestamp", a -> {
            ObjectNode p = (ObjectNode) entry(a).path("inclusionPromise");
            p.put("signedEntryTimestamp", flip(p.path("signedEntryTimestamp").asText()));
            return a;
        });
        m.put("no signed entry timestamp", a -> {
            entry(a).remove("inclusionPromise");
            return a;
        });
        m.put("integrated time", a -> {
            ObjectNode e = entry(a);
            e.put("integratedTime", String.valueOf(Long.parseLong(e.path("integratedTime").asText()) + 1));
            return a;
        });
        m.put("log index", a -> {
            ObjectNode e = entry(a);
            e.put("logIndex", String.valueOf(Long.parseLong(e.path("logIndex").asText()) + 1));
            return a;
        });
        m.put("log id", a -> {
            ObjectNode id = (ObjectNode) entry(a).path("logId");
            id.put("keyId", flip(id.path("keyId").asText()));
            return a;
        });
        m.put("tlog body byte", a -> {
            ObjectNode e = entry(a);
            e.put("canonicalizedBody", flip(e.path("canonicalizedBody").asText()));
            return a;
        });
        m.put("tlog body payload hash", a -> editBody(entry(a), body -> {
            ObjectNode h = (ObjectNode) body.at("/spec/payloadHash");
            h.put("value", "00" + h.path("value").asText().substring(2));
            return body;
        }));
        m.put("tlog body kind", a -> editBody(entry(a), body -> body.put("kind", "intoto")));
        m.put("tlog body second signature", a -> editBody(entry(a), body -> {
            ArrayNode sigs = (ArrayNode) body.at("/spec/signatures");
            sigs.add(sigs.get(0).deepCopy());
            return body;
        }));
        m.put("tlog kindVersion kind", a -> {
            ((ObjectNode) entry(a).path("kindVersion")).put("kind", "intoto");
            return a;
        });
        return m;
    }

    /** Tampered copies of one converted bundle, for what a PEP 740 attestation cannot carry. */
    private static Map<String, UnaryOperator<ObjectNode>> bundleEdits() {
        Map<String, UnaryOperator<ObjectNode>> m = new LinkedHashMap<>();
        m.put("bundle as converted", b -> b);
        m.put("payload type", b -> {
            ((ObjectNode) b.path("dsseEnvelope")).put("payloadType", "application/json");
            return b;
        });
        m.put("second envelope signature after", b -> {
            ArrayNode sigs = (ArrayNode) b.at("/dsseEnvelope/signatures");
            sigs.addObject().put("sig", flip(sigs.get(0).path("sig").asText()));
            return b;
        });
        m.put("same envelope signature twice", b -> {
            ArrayNode sigs = (ArrayNode) b.at("/dsseEnvelope/signatures");
            sigs.add(sigs.get(0).deepCopy());
            return b;
        });
        m.put("second envelope signature before", b -> {
            ArrayNode sigs = (ArrayNode) b.at("/dsseEnvelope/signatures");
            String other = flip(sigs.get(0).path("sig").asText());
            sigs.insertObject(0).put("sig", other);
            return b;
        });
        m.put("no envelope signature", b -> {
            ((ArrayNode) b.at("/dsseEnvelope/signatures")).removeAll();
            return b;
        });
        m.put("same log entry twice", b -> {
            ArrayNode es = (ArrayNode) b.at("/verificationMaterial/tlogEntries");
            es.add(es.get(0).deepCopy());
            return b;
        });
        m.put("broken log entry second", b -> {
            ArrayNode es = (ArrayNode) b.at("/verificationMaterial/tlogEntries");
            ObjectNode broken = es.get(0).deepCopy();
            broken.put("integratedTime", String.valueOf(Long.parseLong(broken.path("integratedTime").asText()) + 1));
            es.add(broken);
            return b;
        });
        m.put("broken log entry first", b -> {
            ArrayNode es = (ArrayNode) b.at("/verificationMaterial/tlogEntries");
            ObjectNode broken = es.get(0).deepCopy();
            broken.put("integratedTime", String.valueOf(Long.parseLong(broken.path("integratedTime").asText()) + 1));
            es.insert(0, broken);
            return b;
        });
        m.put("unknown log entry first", b -> {
            ArrayNode es = (ArrayNode) b.at("/verificationMaterial/tlogEntries");
            ObjectNode foreign = es.get(0).deepCopy();
            ((ObjectNode) foreign.path("logId")).put("keyId", flip(foreign.at("/logId/keyId").asText()));
            es.insert(0, foreign);
            return b;
        });
        m.put("media type v0.2", b -> b.put("mediaType", "application/vnd.dev.sigstore.bundle+json;version=0.2"));
        m.put("media type unknown", b -> b.put("mediaType", "application/vnd.dev.sigstore.bundle.v0.9+json"));
        return m;
    }

    // ------------------------------------------------------------------------------------------ running them

    /** Whether each verifier accepted one case. */
    private record Verdict(boolean airlock, boolean sigstoreJava) {
    }

    /** Every case of one good provenance: its tampered copies and its first attestation's bundle-level ones. */
    private static Map<String, Verdict> judge(SigstoreVerifier ours, KeylessVerifier theirs, Case good) {
        Map<String, Verdict> out = new LinkedHashMap<>();
        attestationEdits().forEach((what, edit) -> {
            ObjectNode p = good.provenance().deepCopy();
            edit.apply((ObjectNode) p.at("/attestation_bundles/0/attestations/0"));
            // An edit that changes nothing here (a proof with no hashes) is no case.
            if (what.equals("as published") || !p.equals(good.provenance())) {
                Case c = new Case(p, good.filename(), good.sha256());
                boolean oneLeaf = entry((ObjectNode) good.provenance().at("/attestation_bundles/0/attestations/0"))
                        .at("/inclusionProof/hashes").isEmpty();
                out.put(what + (oneLeaf && what.startsWith("inclusion proof") ? " (one-leaf tree)" : ""),
                        new Verdict(ours(ours, c), theirs(theirs, c)));
            }
        });
        JsonNode publisher = good.provenance().at("/attestation_bundles/0/publisher");
        ObjectNode converted = toBundle(good.provenance().at("/attestation_bundles/0/attestations/0"));
        bundleEdits().forEach((what, edit) -> {
            BundleCase c = new BundleCase(edit.apply(converted.deepCopy()), publisher, good.filename(), good.sha256());
            out.put(what, new Verdict(ours(ours, c), theirs(theirs, c)));
        });
        Map<String, UnaryOperator<ObjectNode>> publisherEdits = new LinkedHashMap<>();
        publisherEdits.put("publisher repository", pub -> pub.put("repository", pub.path("repository").asText() + "-fork"));
        publisherEdits.put("publisher repository in other case", pub -> pub.put("repository", pub.path("repository").asText().toUpperCase(java.util.Locale.ROOT)));
        publisherEdits.put("publisher workflow", pub -> pub.put("workflow", "other.yml"));
        publisherEdits.forEach((what, edit) -> {
            ObjectNode p = good.provenance().deepCopy();
            edit.apply((ObjectNode) p.at("/attestation_bundles/0/publisher"));
            Case c = new Case(p, good.filename(), good.sha256());
            out.put(what, new Verdict(ours(ours, c), theirs(theirs, c)));
        });
        // Every attestation must hold, not just one of them.
        Map<String, UnaryOperator<ArrayNode>> listEdits = new LinkedHashMap<>();
        listEdits.put("attestation twice", as -> as.add(as.get(0).deepCopy()));
        listEdits.put("second attestation tampered", as -> {
            ObjectNode copy = as.get(0).deepCopy();
            ((ObjectNode) copy.path("envelope")).put("signature", flip(copy.at("/envelope/signature").asText()));
            return as.add(copy);
        });
        listEdits.put("first attestation tampered", as -> {
            ObjectNode copy = as.get(0).deepCopy();
            ((ObjectNode) copy.path("envelope")).put("signature", flip(copy.at("/envelope/signature").asText()));
            return as.insert(0, copy);
        });
        listEdits.put("no attestation", ArrayNode::removeAll);
        listEdits.forEach((what, edit) -> {
            ObjectNode p = good.provenance().deepCopy();
            edit.apply((ArrayNode) p.at("/attestation_bundles/0/attestations"));
            Case c = new Case(p, good.filename(), good.sha256());
            out.put(what, new Verdict(ours(ours, c), theirs(theirs, c)));
        });
        Case otherFile = new Case(good.provenance(), "x" + good.filename(), good.sha256());
        out.put("asked for another file", new Verdict(ours(ours, otherFile), theirs(theirs, otherFile)));
        Case otherBytes = new Case(good.provenance(), good.filename(), "00" + good.sha256().substring(2));
        out.put("asked for other bytes", new Verdict(ours(ours, otherBytes), theirs(theirs, otherBytes)));
        return out;
    }

    /** What the two said that they should not have: disagreements outside {@link #INTENDED}, and intended ones that did not occur as stated. */
    private static List<String> unexpected(String label, Map<String, Verdict> verdicts, Map<String, Verdict> seenIntended) {
        List<String> out = new ArrayList<>();
        verdicts.forEach((what, v) -> {
            Boolean intended = INTENDED.get(what);
            if (intended != null) {
                seenIntended.put(label + ": " + what, v);
                if (v.airlock() != intended || v.sigstoreJava() == intended) {
                    out.add(label + ": " + what + " was meant to be judged differently (Airlock " + (intended ? "accepting" : "refusing")
                            + ") but Airlock " + (v.airlock() ? "accepts" : "refuses") + ", sigstore-java " + (v.sigstoreJava() ? "accepts" : "refuses"));
                }
            } else if (v.airlock() != v.sigstoreJava()) {
                out.add(label + ": " + what + ": Airlock " + (v.airlock() ? "accepts" : "refuses") + ", sigstore-java "
                        + (v.sigstoreJava() ? "accepts" : "refuses"));
            }
        });
        return out;
    }

    private static List<String> accepted(Map<String, Verdict> verdicts) {
        List<String> out = new ArrayList<>();
        verdicts.forEach((what, v) -> {
            if (v.airlock() && v.sigstoreJava()) {
                out.add(what);
            }
        });
        return out;
    }

    private static final List<String> ACCEPTED = List.of("as published", "bundle as converted", "same log entry twice",
            "broken log entry second", "media type v0.2", "publisher repository in other case", "attestation twice");

    private KeylessVerifier sigstoreJava(String trustedRootJson) throws Exception {
        Path root = Files.writeString(Files.createTempFile(tmp, "trusted_root", ".json"), trustedRootJson);
        return KeylessVerifier.builder().trustedRootProvider(TrustedRootProvider.from(root)).build();
    }

    private static String resource(String name) throws Exception {
        try (InputStream in = Pep740DifferentialTest.class.getResourceAsStream(name)) {
            assertNotNull(in, name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void realProvenanceVerifiesAgainstTheShippedRoot() throws Exception {
        SigstoreVerifier ours = new SigstoreVerifier(TrustedRoot.shipped());
        for (String line : resource(REAL + "distributions.txt").strip().split("\n")) {
            String[] f = line.split(" ");
            Map<String, String> built = Pep740.verify(resource(REAL + f[0] + ".provenance").getBytes(StandardCharsets.UTF_8), f[0], f[1], ours);
            assertTrue(built.get(dev.airlock.core.ecosystem.ContentFacts.PROVENANCE).startsWith("https://github.com/"), built.toString());
            assertEquals(".github/workflows/release.yml", built.get(dev.airlock.core.ecosystem.ContentFacts.WORKFLOW));
        }
    }

    @Test
    void realProvenanceAndItsTamperedCopiesAreJudgedAlike() throws Exception {
        SigstoreVerifier ours = new SigstoreVerifier(TrustedRoot.shipped());
        KeylessVerifier theirs = sigstoreJava(resource("/dev/airlock/core/trust/sigstore-trusted-root.json"));
        List<String> wrong = new ArrayList<>();
        Map<String, Verdict> intended = new LinkedHashMap<>();
        int cases = 0;
        for (String line : resource(REAL + "distributions.txt").strip().split("\n")) {
            String[] f = line.split(" ");
            Case good = new Case((ObjectNode) JSON.readTree(resource(REAL + f[0] + ".provenance")), f[0], f[1]);
            Map<String, Verdict> verdicts = judge(ours, theirs, good);
            cases += verdicts.size();
            wrong.addAll(unexpected(f[0], verdicts, intended));
            assertEquals(ACCEPTED, accepted(verdicts), f[0] + ": what both accept");
        }
        assertEquals(List.of(), wrong);
        // The intended differences that need no re-signing, for each file.
        List<String> expected = new ArrayList<>();
        for (String file : List.of("pypi_attestations-0.0.19.tar.gz", "sigstore-3.6.1.tar.gz")) {
            for (String what : List.of("tlog kindVersion kind", "unknown log entry first", "asked for another file")) {
                expected.add(file + ": " + what);
            }
        }
        assertEquals(expected, List.copyOf(intended.keySet()));
        assertEquals(96, cases, "the count docs/TRUST.md gives");
        System.out.println("Pep740DifferentialTest real: " + cases + " cases, " + (cases - intended.size()) + " agree, " + intended.size() + " intended differences");
    }

    @Test
    void theTestsOwnSigstoreProvenanceAndItsTamperedCopiesAreJudgedAlike() throws Exception {
        FakeSigstore fs = FakeSigstore.create("differential-pypi");
        SigstoreVerifier ours = new SigstoreVerifier(TrustedRoot.parse(fs.trustedRootJson().getBytes(StandardCharsets.UTF_8), "fake"));
        KeylessVerifier theirs = sigstoreJava(fs.trustedRootJson());
        List<String> wrong = new ArrayList<>();
        Map<String, Verdict> intended = new LinkedHashMap<>();
        int cases = 0;
        long now = Instant.now().getEpochSecond();
        for (int i = 0; i < 2; i++) {
            FakeSigstore.Identity id = FakeSigstore.Identity.github("acme/tool-" + i, ".github/workflows/release.yml", "refs/tags/v1." + i);
            String file = "acme_tool_" + i + "-1." + i + ".tar.gz";
            String sha = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(file.getBytes(StandardCharsets.UTF_8)));
            FakeSigstore.Leaf leaf = fs.issue(id, Instant.ofEpochSecond(now - 120));
            Case good = new Case(provenance(fs, leaf, file, sha, now - 60), file, sha);
            Map<String, Verdict> verdicts = new LinkedHashMap<>(judge(ours, theirs, good));
            verdicts.putAll(resigned(fs, ours, theirs, id, leaf, file, sha, now));
            cases += verdicts.size();
            wrong.addAll(unexpected(file, verdicts, intended));
            List<String> accepted = new ArrayList<>(ACCEPTED);
            accepted.add("subject name in PyPI's spelling (re-signed)");
            assertEquals(accepted, accepted(verdicts), file + ": what both accept");
        }
        assertEquals(List.of(), wrong);
        // Every intended difference occurred: all of them for both files but the one-leaf ones, which only the first file's tree is.
        List<String> expected = new ArrayList<>();
        for (String file : List.of("acme_tool_0-1.0.tar.gz", "acme_tool_1-1.1.tar.gz")) {
            INTENDED.keySet().stream().filter(what -> file.startsWith("acme_tool_0") || !what.endsWith("(one-leaf tree)"))
                    .forEach(what -> expected.add(file + ": " + what));
        }
        assertEquals(new java.util.TreeSet<>(expected), new java.util.TreeSet<>(intended.keySet()));
        assertEquals(116, cases, "the count docs/TRUST.md gives");
        System.out.println("Pep740DifferentialTest fake: " + cases + " cases, " + (cases - intended.size()) + " agree, " + intended.size() + " intended differences");
    }

    private static ObjectNode provenance(FakeSigstore fs, FakeSigstore.Leaf leaf, String subject, String sha, long integratedTime) {
        byte[] statement = FakeSigstore.inTotoStatement(subject, Map.of("sha256", sha), Pep740Test.PUBLISH, null);
        return fs.pypiProvenance(leaf, statement, integratedTime);
    }

    /** Cases that need the log to sign something new: statements about other files, odd signers, odd log bodies. */
    private Map<String, Verdict> resigned(FakeSigstore fs, SigstoreVerifier ours, KeylessVerifier theirs, FakeSigstore.Identity id,
                                          FakeSigstore.Leaf leaf, String file, String sha, long now) throws Exception {
        Map<String, Verdict> out = new LinkedHashMap<>();
        Map<String, Case> cases = new LinkedHashMap<>();
        cases.put("subject name (re-signed)", new Case(provenance(fs, leaf, "other-" + file, sha, now - 50), file, sha));
        cases.put("subject name in PyPI's spelling (re-signed)", new Case(provenance(fs, leaf, file.replace("acme_tool", "Acme-Tool"), sha, now - 50), file, sha));
        cases.put("subject digest (re-signed)", new Case(provenance(fs, leaf, file, "00" + sha.substring(2), now - 50), file, sha));
        cases.put("certificate expired when logged (re-signed)", new Case(provenance(fs, fs.issue(id, Instant.ofEpochSecond(now - 3600)), file, sha, now - 50), file, sha));
        cases.put("certificate not yet valid when logged (re-signed)", new Case(provenance(fs, fs.issue(id, Instant.ofEpochSecond(now - 30)), file, sha, now - 50), file, sha));
        cases.put("certificate without SCT (re-signed)", new Case(provenance(fs, fs.issue(id, Instant.ofEpochSecond(now - 120), false), file, sha, now - 50), file, sha));
        FakeSigstore other = FakeSigstore.create("elsewhere");
        cases.put("certificate from another CA (re-signed)", new Case(provenance(fs, other.issue(id, Instant.ofEpochSecond(now - 120)), file, sha, now - 50), file, sha));
        cases.put("logged by another log (re-signed)", new Case(provenance(other, leaf, file, sha, now - 50), file, sha));
        cases.forEach((what, c) -> out.put(what, new Verdict(ours(ours, c), theirs(theirs, c))));

        JsonNode publisher = cases.get("subject digest (re-signed)").provenance().at("/attestation_bundles/0/publisher");
        byte[] statement = FakeSigstore.inTotoStatement(file, Map.of("sha256", sha), Pep740Test.PUBLISH, null);
        // Signed over another payload type, and logged as such: both want an in-toto statement.
        byte[] jsonSig = FakeSigstore.signDsse(leaf.privateKey(), "application/json", statement);
        out.put("payload type (re-signed)", bundleVerdict(ours, theirs, dsseBundle(fs, leaf, "application/json", statement, jsonSig,
                FakeSigstore.dsseBody("application/json", statement, jsonSig, leaf.certificate()), now - 50), publisher, file, sha));
        // A log entry the log really holds, recording this signature and a second one: it vouches for two signers.
        byte[] sig = FakeSigstore.signDsse(leaf.privateKey(), Statement.PAYLOAD_TYPE, statement);
        ObjectNode body = (ObjectNode) JSON.readTree(FakeSigstore.dsseBody(Statement.PAYLOAD_TYPE, statement, sig, leaf.certificate()));
        ArrayNode sigs = (ArrayNode) body.at("/spec/signatures");
        FakeSigstore.Leaf second = fs.issue(FakeSigstore.Identity.github("evil/tool", ".github/workflows/release.yml", "refs/heads/main"),
                Instant.ofEpochSecond(now - 120));
        sigs.addObject().put("signature", b64(FakeSigstore.signDsse(second.privateKey(), Statement.PAYLOAD_TYPE, statement)))
                .put("verifier", b64(FakeSigstore.pem(second.certificate()).getBytes(StandardCharsets.US_ASCII)));
        out.put("logged with a second signature (re-signed)", bundleVerdict(ours, theirs, dsseBundle(fs, leaf, Statement.PAYLOAD_TYPE, statement, sig,
                SORTED.writeValueAsBytes(body), now - 50), publisher, file, sha));
        ObjectNode first = body.deepCopy();
        ((ArrayNode) first.at("/spec/signatures")).insert(0, ((ArrayNode) first.at("/spec/signatures")).remove(1));
        out.put("logged with a second signature first (re-signed)", bundleVerdict(ours, theirs, dsseBundle(fs, leaf, Statement.PAYLOAD_TYPE, statement, sig,
                SORTED.writeValueAsBytes(first), now - 50), publisher, file, sha));
        return out;
    }

    private static Verdict bundleVerdict(SigstoreVerifier ours, KeylessVerifier theirs, ObjectNode bundle, JsonNode publisher, String file, String sha) {
        BundleCase c = new BundleCase(bundle, publisher, file, sha);
        return new Verdict(ours(ours, c), theirs(theirs, c));
    }

    /** A v0.3 DSSE bundle whose log entry has the given body, appended to the fake log with a valid promise and proof. */
    private static ObjectNode dsseBundle(FakeSigstore fs, FakeSigstore.Leaf leaf, String payloadType, byte[] statement, byte[] sig, byte[] body,
                                         long integratedTime) {
        FakeRekor.Entry entry = fs.rekor().append("dsse", "0.0.1", body, integratedTime);
        ObjectNode b = JSON.createObjectNode();
        b.put("mediaType", FakeSigstore.BUNDLE_V03_MEDIA_TYPE);
        ObjectNode vm = b.putObject("verificationMaterial");
        vm.putObject("certificate").put("rawBytes", b64(derOf(leaf)));
        vm.putArray("tlogEntries").add(fs.rekor().entryJson(entry, true));
        ObjectNode env = b.putObject("dsseEnvelope");
        env.put("payload", b64(statement));
        env.put("payloadType", payloadType);
        env.putArray("signatures").addObject().put("sig", b64(sig));
        return b;
    }

    private static byte[] derOf(FakeSigstore.Leaf leaf) {
        try {
            return leaf.certificate().getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
