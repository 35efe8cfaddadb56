package dev.airlock.maven;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.core.ecosystem.ContentFacts;
import dev.airlock.core.json.StrictJson;
import dev.airlock.core.trust.SigningIdentity;
import dev.airlock.core.trust.SigstoreBundle;
import dev.airlock.core.trust.SigstoreVerifier;
import dev.airlock.core.trust.VerificationException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The signatures a Maven repository publishes beside an artifact, verified over the bytes Airlock
 * holds: the OpenPGP {@code .asc} (against the operator's keyrings; a key not in them is named by
 * its id, for trust on first use per groupId) and, where the project publishes one, the Sigstore
 * {@code .sigstore.json} (a signature over the file's SHA-256, recorded in Rekor).
 */
final class MavenSignatures {

    static final String ASC = "asc";
    static final String SIGSTORE = "sigstore";
    private static final ObjectMapper JSON = StrictJson.MAPPER;

    private MavenSignatures() {
    }

    /**
     * @param found the {@code .asc} and {@code .sigstore.json} bytes by kind; null for "upstream has
     *              none", absent for "could not be asked" (then nothing is concluded about it)
     */
    static ContentFacts verify(String filename, Path file, Map<String, byte[]> found, PgpKeyring keyring, SigstoreVerifier sigstore)
            throws IOException {
        Map<String, String> signer = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        List<String> anomalies = new ArrayList<>();
        if (found.containsKey(ASC)) {
            byte[] asc = found.get(ASC);
            if (asc == null) {
                signer.put(ContentFacts.PGP_KEY, "");
            } else {
                PgpSignature.Result r;
                try (InputStream in = Files.newInputStream(file)) {
                    r = PgpSignature.verify(asc, keyring, in);
                }
                if (r instanceof PgpSignature.Verified v) {
                    signer.put(ContentFacts.PGP_KEY, v.primaryFingerprint());
                    signer.put(ContentFacts.PGP_HASH, v.hashAlgorithm());
                    signer.put(ContentFacts.PGP_SIGNED_AT, v.createdAt().toString());
                } else if (r instanceof PgpSignature.UnknownKey u) {
                    // Not verifiable here: the key id is what trust on first use compares, and
                    // the hash it names proves nothing either way, so it is not recorded.
                    signer.put(ContentFacts.PGP_KEY, "key id " + u.keyId() + " (not in policy.pgpKeyrings)");
                    signer.put(ContentFacts.PGP_SIGNED_AT, u.createdAt().toString());
                } else if (r instanceof PgpSignature.Bad b) {
                    failures.add(filename + ": " + b.summary());
                } else {
                    anomalies.add(filename + ".asc is not a usable OpenPGP signature: " + r.summary());
                }
            }
        }
        if (found.containsKey(SIGSTORE)) {
            byte[] bundle = found.get(SIGSTORE);
            if (bundle == null) {
                signer.put(ContentFacts.PROVENANCE, "");
            } else {
                try {
                    SigstoreVerifier.Verified v = sigstore.verifyMessage(SigstoreBundle.parse(JSON.readTree(bundle)), sha256(file));
                    SigningIdentity id = v.identity();
                    signer.put(ContentFacts.PROVENANCE, id.subject() == null ? "(no subject)" : id.subject());
                    putIf(signer, ContentFacts.REPOSITORY, id.sourceRepository());
                    putIf(signer, ContentFacts.WORKFLOW, id.workflow());
                    putIf(signer, ContentFacts.REF, id.sourceRef());
                } catch (VerificationException e) {
                    failures.add(filename + ".sigstore.json does not verify: " + e.getMessage());
                } catch (IOException e) {
                    failures.add(filename + ".sigstore.json is not JSON");
                }
            }
        }
        return new ContentFacts(Map.of(), Map.of(), anomalies, signer, failures);
    }

    private static void putIf(Map<String, String> m, String k, String v) {
        if (v != null && !v.isEmpty()) {
            m.put(k, v);
        }
    }

    private static byte[] sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                d.update(buf, 0, n);
            }
            return d.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
