package dev.airlock.pypi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.core.trust.SigstoreVerifier;
import dev.airlock.core.trust.TrustedRoot;
import dev.sigstore.KeylessVerifier;
import dev.sigstore.TrustedRootProvider;
import dev.sigstore.VerificationOptions;
import dev.sigstore.bundle.Bundle;

import java.io.StringReader;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * What verifying one PEP 740 provenance object costs a fresh JVM, with Airlock's verifier or with
 * sigstore-java's: the figures in docs/TRUST.md ("sigstore-java as a second opinion") come from
 * running this several times per mode with {@code /usr/bin/time}. Not a test.
 *
 * <p>{@code java -cp ... dev.airlock.pypi.VerifierProbe airlock|sigstore-java|none <provenance> <file name> <sha256> <trusted_root.json>}
 * prints the mode, the milliseconds from JVM start to the verdict, and the heap in use then.
 */
public final class VerifierProbe {

    private VerifierProbe() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        byte[] provenance = Files.readAllBytes(Path.of(args[1]));
        String file = args[2];
        String sha256 = args[3];
        switch (mode) {
            case "airlock" -> Pep740.verify(provenance, file, sha256, new SigstoreVerifier(TrustedRoot.shipped()));
            case "sigstore-java" -> {
                KeylessVerifier v = KeylessVerifier.builder().trustedRootProvider(TrustedRootProvider.from(Path.of(args[4]))).build();
                int n = 0;
                for (JsonNode b : new ObjectMapper().readTree(provenance).path("attestation_bundles")) {
                    for (JsonNode a : b.path("attestations")) {
                        v.verify(HexFormat.of().parseHex(sha256), Bundle.from(new StringReader(Pep740DifferentialTest.toBundle(a).toString())),
                                VerificationOptions.empty());
                        n++;
                    }
                }
                if (n == 0) {
                    throw new IllegalStateException("no attestation");
                }
            }
            case "none" -> {
                // The JVM and the file read alone.
            }
            default -> throw new IllegalArgumentException(mode);
        }
        Runtime rt = Runtime.getRuntime();
        System.out.println(mode + " verified in " + ManagementFactory.getRuntimeMXBean().getUptime() + " ms since JVM start, heap in use "
                + (rt.totalMemory() - rt.freeMemory()) / (1 << 20) + " MiB");
    }
}
