package dev.airlock.maven;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.trust.SigstoreBundle;
import dev.airlock.core.trust.SigstoreVerifier;
import dev.airlock.core.trust.TrustedRoot;
import dev.airlock.core.trust.testing.FakeSigstore;
import dev.sigstore.KeylessVerifier;
import dev.sigstore.TrustedRootProvider;
import dev.sigstore.VerificationOptions;
import dev.sigstore.bundle.Bundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Airlock's own Sigstore verifier against the reference implementation, sigstore-java 2.0.0, on
 * every message-signature bundle both can read (Maven's {@code .sigstore.json}): the real bundle
 * of sigstore-java's own jar against the public-good root Airlock ships, bundles made by the
 * tests' own Sigstore, and tampered copies of each (artifact, signature, certificate, inclusion
 * proof, checkpoint, signed entry timestamp, log time). The two must agree on every one.
 *
 * <p>sigstore-java is a test dependency only: it rejects npm's {@code intoto} entries,
 * sha512-only subjects and key-signed bundles, which Airlock must read, and it would bring gRPC,
 * protobuf and Guava into the proxy for formats Airlock's verifier already covers.
 */
class SigstoreDifferentialTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path REAL = Path.of("target", "real-maven");
    private static final String JAR = "sigstore-java-2.0.0.jar";

    @TempDir
    Path tmp;

    /** Each case's bundle and the bytes it should cover. */
    private record Case(ObjectNode bundle, byte[] artifact) {
    }

    private static byte[] sha256(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }

    /** Whether Airlock's verifier accepts it. */
    private static boolean ours(SigstoreVerifier v, Case c) {
        try {
            v.verifyMessage(SigstoreBundle.parse(c.bundle()), sha256(c.artifact()));
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /** Whether sigstore-java accepts it (no identity matcher: both check the same cryptography and log). */
    private static boolean theirs(KeylessVerifier v, Case c) {
        try {
            v.verify(sha256(c.artifact()), Bundle.from(new StringReader(c.bundle().toString())), VerificationOptions.empty());
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static String flip(String b64) {
        byte[] b = Base64.getDecoder().decode(b64);
        b[b.length / 2] ^= 0x01;
        return Base64.getEncoder().encodeToString(b);
    }

    /** The tampered variants of one good bundle, by what was tampered. */
    private static Map<String, Case> variants(Case good) {
        Map<String, UnaryOperator<ObjectNode>> edits = new LinkedHashMap<>();
        edits.put("as published", b -> b);
        edits.put("signature", b -> {
            ObjectNode ms = (ObjectNode) b.path("messageSignature");
            ms.put("signature", flip(ms.path("signature").asText()));
            return b;
        });
        edits.put("certificate", b -> {
            ObjectNode c = (ObjectNode) b.at("/verificationMaterial/certificate");
            c.put("rawBytes", flip(c.path("rawBytes").asText()));
            return b;
        });
        edits.put("inclusion proof hash", b -> {
            ObjectNode p = (ObjectNode) b.at("/verificationMaterial/tlogEntries/0/inclusionProof");
            com.fasterxml.jackson.databind.node.ArrayNode hashes = (com.fasterxml.jackson.databind.node.ArrayNode) p.path("hashes");
            if (!hashes.isEmpty()) {
                hashes.set(0, JSON.getNodeFactory().textNode(flip(hashes.get(0).asText())));
            }
            return b;
        });
        edits.put("checkpoint", b -> {
            ObjectNode cp = (ObjectNode) b.at("/verificationMaterial/tlogEntries/0/inclusionProof/checkpoint");
            cp.put("envelope", cp.path("envelope").asText().replaceFirst("\n[0-9]+\n", "\n1\n"));
            return b;
        });
        edits.put("signed entry timestamp", b -> {
            ObjectNode p = (ObjectNode) b.at("/verificationMaterial/tlogEntries/0/inclusionPromise");
            p.put("signedEntryTimestamp", flip(p.path("signedEntryTimestamp").asText()));
            return b;
        });
        edits.put("log time", b -> {
            ObjectNode e = (ObjectNode) b.at("/verificationMaterial/tlogEntries/0");
            e.put("integratedTime", String.valueOf(Long.parseLong(e.path("integratedTime").asText()) + 1));
            return b;
        });
        Map<String, Case> out = new LinkedHashMap<>();
        edits.forEach((what, edit) -> {
            ObjectNode edited = edit.apply(good.bundle().deepCopy());
            // A log of one entry has no proof hashes and a tree size of 1: those edits change nothing there.
            if (what.equals("as published") || !edited.equals(good.bundle())) {
                out.put(what, new Case(edited, good.artifact()));
            }
        });
        byte[] other = good.artifact().clone();
        other[0] ^= 0x01;
        out.put("artifact", new Case(good.bundle().deepCopy(), other));
        return out;
    }

    private static List<String> disagreements(SigstoreVerifier ours, KeylessVerifier theirs, Map<String, Case> cases, List<String> accepted) {
        List<String> out = new ArrayList<>();
        cases.forEach((what, c) -> {
            boolean a = ours(ours, c);
            boolean b = theirs(theirs, c);
            if (a != b) {
                out.add(what + ": Airlock " + (a ? "accepts" : "refuses") + ", sigstore-java " + (b ? "accepts" : "refuses"));
            }
            if (a) {
                accepted.add(what);
            }
        });
        return out;
    }

    @Test
    void theRealBundleAndItsTamperedCopiesAreJudgedAlike() throws Exception {
        Path realBundle = REAL.resolve(JAR + ".sigstore.json");
        assertTrue(Files.isRegularFile(realBundle), "run through Maven, which copies " + realBundle + " at generate-test-resources");
        Case good = new Case((ObjectNode) JSON.readTree(realBundle.toFile()), Files.readAllBytes(REAL.resolve(JAR)));
        Path root = tmp.resolve("trusted_root.json");
        try (var in = TrustedRoot.class.getResourceAsStream("sigstore-trusted-root.json")) {
            Files.write(root, in.readAllBytes());
        }
        KeylessVerifier theirs = KeylessVerifier.builder().trustedRootProvider(TrustedRootProvider.from(root)).build();
        List<String> accepted = new ArrayList<>();
        assertEquals(List.of(), disagreements(new SigstoreVerifier(TrustedRoot.shipped()), theirs, variants(good), accepted));
        assertEquals(List.of("as published"), accepted, "only the untouched bundle verifies");
    }

    @Test
    void theTestsOwnSigstoreBundlesAndTheirTamperedCopiesAreJudgedAlike() throws Exception {
        FakeSigstore fs = FakeSigstore.create("differential");
        Path root = Files.writeString(tmp.resolve("fake_trusted_root.json"), fs.trustedRootJson());
        KeylessVerifier theirs = KeylessVerifier.builder().trustedRootProvider(TrustedRootProvider.from(root)).build();
        SigstoreVerifier ours = new SigstoreVerifier(TrustedRoot.parse(fs.trustedRootJson().getBytes(StandardCharsets.UTF_8), "fake"));
        List<String> all = new ArrayList<>();
        List<String> accepted = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            byte[] artifact = ("artifact " + i).getBytes(StandardCharsets.UTF_8);
            FakeSigstore.Leaf leaf = fs.issue(FakeSigstore.Identity.github("acme/tool", ".github/workflows/release.yml",
                    "refs/tags/v1." + i), Instant.now().minusSeconds(60));
            Case good = new Case(fs.messageSignatureBundleV03(leaf, artifact, Instant.now().getEpochSecond() - 30), artifact);
            all.addAll(disagreements(ours, theirs, variants(good), accepted));
        }
        assertEquals(List.of(), all);
        assertEquals(List.of("as published", "as published", "as published"), accepted);
    }
}
