package dev.airlock.core.ecosystem;

import dev.airlock.core.trust.SigstoreVerifier;
import dev.airlock.core.trust.TrustedRoot;

import java.nio.file.Path;
import java.util.List;

/**
 * What signatures are verified against, from {@code policy}: the Sigstore trusted root (shipped,
 * or the operator's file) and the operator's OpenPGP keyrings. Handed to each ecosystem at
 * start-up; nothing in it is fetched at run time.
 */
public record SignatureTrust(SigstoreVerifier sigstore, List<Path> pgpKeyrings) {

    public SignatureTrust {
        pgpKeyrings = List.copyOf(pgpKeyrings);
    }

    /** The shipped Sigstore root and no keyrings. */
    public static SignatureTrust defaults() {
        return new SignatureTrust(new SigstoreVerifier(TrustedRoot.shipped()), List.of());
    }
}
