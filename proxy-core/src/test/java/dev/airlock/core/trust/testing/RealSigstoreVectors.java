package dev.airlock.core.trust.testing;

import java.util.List;

/**
 * Public-good Sigstore material, used by {@link FakeSigstoreTest} to calibrate its own independent checks: a
 * check that accepts these real values (and rejects them once altered) is checking the real format, so it can
 * then be trusted to judge what {@link FakeSigstore} produces.
 *
 * <p>Sources: the Rekor {@code dsse} entry (log index 953297582, 2026-02-14) and Fulcio leaf of the npm
 * attestations for {@code @playwright/cli@0.1.1}; the Rekor, CT log and Fulcio intermediate keys from the
 * {@code trusted_root.json} the npm client ships; the {@code intoto} 0.0.2 body of the 2023 npm publish
 * attestation in slsa-verifier's {@code verifiers/internal/gha/testdata/npm-attestations.intoto.sigstore}.
 */
final class RealSigstoreVectors {

    private RealSigstoreVectors() {
    }

    /** Rekor v1 (rekor.sigstore.dev) public key, SPKI DER, base64. */
    static final String REAL_REKOR_KEY =
            "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE2G2Y+2tabdTV5BcGiBIx0a9fAFwrkBbmLSGtks4L3qX6yYY0zufBnhC8Ur/iy55G"
            + "hWP/9A/bY2LhC30M9+RYtw==";

    /** The CT log (ctfe 2022) public key, SPKI DER, base64. */
    static final String REAL_CT_KEY =
            "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEiPSlFi0CmFTfEjCUqF9HuCEcYXNKAaYalIJmBZ8yyezPjTqhxrKBpMnaocVtLJBI"
            + "1eM3uXnQzQGAJdJ4gs9Fyw==";

    /** The Fulcio intermediate that issued {@link #REAL_LEAF}, DER, base64. */
    static final String REAL_INTERMEDIATE =
            "MIICGjCCAaGgAwIBAgIUALnViVfnU0brJasmRkHrn/UnfaQwCgYIKoZIzj0EAwMwKjEVMBMGA1UEChMMc2lnc3RvcmUuZGV2MREw"
            + "DwYDVQQDEwhzaWdzdG9yZTAeFw0yMjA0MTMyMDA2MTVaFw0zMTEwMDUxMzU2NThaMDcxFTATBgNVBAoTDHNpZ3N0b3JlLmRldjEe"
            + "MBwGA1UEAxMVc2lnc3RvcmUtaW50ZXJtZWRpYXRlMHYwEAYHKoZIzj0CAQYFK4EEACIDYgAE8RVS/ysH+NOvuDZyPIZtilgUF9Nl"
            + "arYpAd9HP1vBBH1U5CV77LSS7s0ZiH4nE7Hv7ptS6LvvR/STk798LVgMzLlJ4HeIfF3tHSaexLcYpSASr1kS0N/RgBJz/9jWCiXn"
            + "o3sweTAOBgNVHQ8BAf8EBAMCAQYwEwYDVR0lBAwwCgYIKwYBBQUHAwMwEgYDVR0TAQH/BAgwBgEB/wIBADAdBgNVHQ4EFgQU39Pp"
            + "z1YkEZb5qNjpKFWixi4YZD8wHwYDVR0jBBgwFoAUWMAeX5FFpWapesyQoZMi0CrFxfowCgYIKoZIzj0EAwMDZwAwZAIwPCsQK4DY"
            + "iZYDPIaDi5HFKnfxXx6ASSVmERfsynYBiX2X6SJRnZU84/9DZdnFvvxmAjBOt6QpBlc4J/0DxvkTCqpclvziL6BCCPnjdlIB3Pu3"
            + "BxsPmygUY7Ii2zbdCdliiow=";

    /** A Fulcio leaf with an embedded SCT, DER, base64. */
    static final String REAL_LEAF =
            "MIIG2DCCBl6gAwIBAgIUJ7Uci4laZHHTOWLMwLqZGS75Q0kwCgYIKoZIzj0EAwMwNzEVMBMGA1UEChMMc2lnc3RvcmUuZGV2MR4w"
            + "HAYDVQQDExVzaWdzdG9yZS1pbnRlcm1lZGlhdGUwHhcNMjYwMjE0MjMyODQzWhcNMjYwMjE0MjMzODQzWjAAMFkwEwYHKoZIzj0C"
            + "AQYIKoZIzj0DAQcDQgAEgIHd8Q+1eB1QfnEQbFltx+SM6+/eogpNwbzJuc7MpkvpAj/Qjvn7qGspd5WV48rg02cV2QSZ6dqKXcSK"
            + "s833laOCBX0wggV5MA4GA1UdDwEB/wQEAwIHgDATBgNVHSUEDDAKBggrBgEFBQcDAzAdBgNVHQ4EFgQUZpukrl1AR6i44mfA512v"
            + "it+TBBMwHwYDVR0jBBgwFoAU39Ppz1YkEZb5qNjpKFWixi4YZD8waAYDVR0RAQH/BF4wXIZaaHR0cHM6Ly9naXRodWIuY29tL21p"
            + "Y3Jvc29mdC9wbGF5d3JpZ2h0LWNsaS8uZ2l0aHViL3dvcmtmbG93cy9wdWJsaXNoLnltbEByZWZzL3RhZ3MvdjAuMS4xMDkGCisG"
            + "AQQBg78wAQEEK2h0dHBzOi8vdG9rZW4uYWN0aW9ucy5naXRodWJ1c2VyY29udGVudC5jb20wFQYKKwYBBAGDvzABAgQHcmVsZWFz"
            + "ZTA2BgorBgEEAYO/MAEDBChkMWM2ZDExMTM5MzJkZGNlZTI0M2U4YjExMWI2ZDRhZWE1NTNkZjIwMBUGCisGAQQBg78wAQQEB1B1"
            + "Ymxpc2gwJgYKKwYBBAGDvzABBQQYbWljcm9zb2Z0L3BsYXl3cmlnaHQtY2xpMB4GCisGAQQBg78wAQYEEHJlZnMvdGFncy92MC4x"
            + "LjEwOwYKKwYBBAGDvzABCAQtDCtodHRwczovL3Rva2VuLmFjdGlvbnMuZ2l0aHVidXNlcmNvbnRlbnQuY29tMGoGCisGAQQBg78w"
            + "AQkEXAxaaHR0cHM6Ly9naXRodWIuY29tL21pY3Jvc29mdC9wbGF5d3JpZ2h0LWNsaS8uZ2l0aHViL3dvcmtmbG93cy9wdWJsaXNo"
            + "LnltbEByZWZzL3RhZ3MvdjAuMS4xMDgGCisGAQQBg78wAQoEKgwoZDFjNmQxMTEzOTMyZGRjZWUyNDNlOGIxMTFiNmQ0YWVhNTUz"
            + "ZGYyMDAdBgorBgEEAYO/MAELBA8MDWdpdGh1Yi1ob3N0ZWQwOwYKKwYBBAGDvzABDAQtDCtodHRwczovL2dpdGh1Yi5jb20vbWlj"
            + "cm9zb2Z0L3BsYXl3cmlnaHQtY2xpMDgGCisGAQQBg78wAQ0EKgwoZDFjNmQxMTEzOTMyZGRjZWUyNDNlOGIxMTFiNmQ0YWVhNTUz"
            + "ZGYyMDAgBgorBgEEAYO/MAEOBBIMEHJlZnMvdGFncy92MC4xLjEwGQYKKwYBBAGDvzABDwQLDAkyNzM1NjIzNzkwLAYKKwYBBAGD"
            + "vzABEAQeDBxodHRwczovL2dpdGh1Yi5jb20vbWljcm9zb2Z0MBcGCisGAQQBg78wAREECQwHNjE1NDcyMjBqBgorBgEEAYO/MAES"
            + "BFwMWmh0dHBzOi8vZ2l0aHViLmNvbS9taWNyb3NvZnQvcGxheXdyaWdodC1jbGkvLmdpdGh1Yi93b3JrZmxvd3MvcHVibGlzaC55"
            + "bWxAcmVmcy90YWdzL3YwLjEuMTA4BgorBgEEAYO/MAETBCoMKGQxYzZkMTExMzkzMmRkY2VlMjQzZThiMTExYjZkNGFlYTU1M2Rm"
            + "MjAwFwYKKwYBBAGDvzABFAQJDAdyZWxlYXNlMF8GCisGAQQBg78wARUEUQxPaHR0cHM6Ly9naXRodWIuY29tL21pY3Jvc29mdC9w"
            + "bGF5d3JpZ2h0LWNsaS9hY3Rpb25zL3J1bnMvMjIwMjYwNzU4MzQvYXR0ZW1wdHMvMTAWBgorBgEEAYO/MAEWBAgMBnB1YmxpYzCB"
            + "iQYKKwYBBAHWeQIEAgR7BHkAdwB1AN09MGrGxxEyYxkeHJlnNwKiSl643jyt/4eKcoAvKe6OAAABnF58MTYAAAQDAEYwRAIgTuWp"
            + "cqwQBTPNIgRmVjdJ0KIdoyRgXEVzSDAvDHp8VzUCIE5RK4CL17lVRo6BqDZkaBGxKCOPOhyvvOveJDqfOUuGMAoGCCqGSM49BAMD"
            + "A2gAMGUCMQDiJH+wIP0hMCpTINnlLuho9OCB92+MGfIf61Bme3GcCONqOzc4yOHKkbvpANOfKSQCMA2Y2VzFE3UJE/ve0AWJrI8l"
            + "uNvj22iZqMx3K+KYooVvkiDkx54WUETim8404RfYXg==";

    /** A {@code dsse} 0.0.1 canonicalized body and its log metadata, SET and inclusion proof. */
    static final String REAL_BODY =
            "eyJhcGlWZXJzaW9uIjoiMC4wLjEiLCJraW5kIjoiZHNzZSIsInNwZWMiOnsiZW52ZWxvcGVIYXNoIjp7ImFsZ29yaXRobSI6InNo"
            + "YTI1NiIsInZhbHVlIjoiZTc5MWIzZDQ0YzYzMmIwM2M4OTcyODllZWY5M2Y1ODJjODU0MWRmZjZmZGIyMTI2NzkyNWM4MGU0M2Fl"
            + "ZGY4YyJ9LCJwYXlsb2FkSGFzaCI6eyJhbGdvcml0aG0iOiJzaGEyNTYiLCJ2YWx1ZSI6IjJkODhiZDAwMjkxYjdhYWVlOGVlMTEx"
            + "MjQ4Y2E3NjY5ZDdkMjZkN2ExMTUwNGZmOWU0NDg5YjhmMTg2NjlhNTEifSwic2lnbmF0dXJlcyI6W3sic2lnbmF0dXJlIjoiTUVV"
            + "Q0lCbkVTeTEyaTZJWGIzQVFDZ0NsU2s2ajJIYW1mclI2cWo0TkVmR0hoeVBOQWlFQWtQQm85c04rbXJPN1lvU2tuaVpNdnRlMTN3"
            + "a1g0dVJxVTI0bDVVQ1hKcHM9IiwidmVyaWZpZXIiOiJMUzB0TFMxQ1JVZEpUaUJRVlVKTVNVTWdTMFZaTFMwdExTMEtUVVpyZDBW"
            + "M1dVaExiMXBKZW1vd1EwRlJXVWxMYjFwSmVtb3dSRUZSWTBSUlowRkZXVFpaWVRkWEt5czNZVlZRZW5aTlZISmxla2cyV1dONE0y"
            + "TXJTQXBQUzFsRFkwNUhlV0pLV2xORFNuRXZabVEzVVdFNGRYVkJTM1JrU1d0VlVYUlJhVVZMUlZKb1FXMUZOV3hOVFVwb1VEaFBh"
            + "MFJQWVRKblBUMEtMUzB0TFMxRlRrUWdVRlZDVEVsRElFdEZXUzB0TFMwdENnPT0ifV19fQ==";

    static final String REAL_SET =
            "MEUCIQC/B25tZVjVGczmhskS3WbtfzPdbeB1cBflgpXjqx1r+AIgYvTpesjfQ6HlfzvTIucpHxIj5FrahwaTDeUvefIchlc=";

    static final long REAL_LOG_INDEX = 953297582;
    static final long REAL_INTEGRATED_TIME = 1771111725;
    static final long REAL_TREE_INDEX = 831393320;
    static final long REAL_TREE_SIZE = 831393321;
    static final String REAL_ROOT_HASH =
            "xwMC9ZuutZTj0QzGVZ6d+Ubt4vJ9SUpRauDvDQHsmv8=";

    static final List<String> REAL_HASHES = List.of(
            "omUlGsBcz0IN7J1V0kaUwUAuWxUGIcgjssADUoJ39to=",
            "T2dRi2VnS7o9h3X/ZGSqESap01Zd3hhe3HVzqgVdCec=",
            "0hUuL26hMoYIhTj/THEKLo3MUr4/kx8J47u3uHhUstA=",
            "iUpXNGLGKli8GE7+0uWrW+GyX/e4DKhg3SG4+HrG398=",
            "p2bQqtxG3BQtGKo08THxytjIZQkr1AfYFAH8zyUGBks=",
            "Ai+3I/9cYe2lMkElT40wBDFb1WaPJlAUikZBxoxi0cI=",
            "q1jWpk5QRCo0D7fSw/QmVqpnLJSqNDw9fBXiNeq455w=",
            "m61Yivbw4w24sKiNBTCWqtpubchLpfhOLtrUx5hXgvM=",
            "BMbNWr5B/nhLH1lRn3Vi9Xkbx00eCFjlFVkkBfi/tQU=",
            "VXJ6l80+JNa5xgr/yehgGXrBetzY0sdeHrFtx0NsAFw=",
            "fLAvE46NqCVV86EpB2pKkwJlFjjFk7ntX3lC+PiZuIo=",
            "T4DqWD42hAtN+vX8jKCWqoC4meE4JekI9LxYGCcPy1M=");
    static final String REAL_CHECKPOINT = "rekor.sigstore.dev - 1193050959916656506\n831393321\n"
            + "xwMC9ZuutZTj0QzGVZ6d+Ubt4vJ9SUpRauDvDQHsmv8=\n\n"
            + "\u2014 rekor.sigstore.dev wNI9ajBGAiEA8uylGlMEDvvhHbLOvE0tZUPiApF+aRFZluWGWtglAFICIQCBaYpytUtaT5PIUVZyVglwpE"
            + "pcaOlQ8eD4aJPUsjB1Ew==\n";

    /** An {@code intoto} 0.0.2 canonicalized body from 2023. */
    static final String REAL_INTOTO_BODY =
            "eyJhcGlWZXJzaW9uIjoiMC4wLjIiLCJraW5kIjoiaW50b3RvIiwic3BlYyI6eyJjb250ZW50Ijp7ImVudmVsb3BlIjp7InBheWxv"
            + "YWRUeXBlIjoiYXBwbGljYXRpb24vdm5kLmluLXRvdG8ranNvbiIsInNpZ25hdHVyZXMiOlt7ImtleWlkIjoiU0hBMjU2OmpsM2J3"
            + "c3d1ODBQampva0NnaDBvMnc1YzJVNExoUUFFNTdnajljejFrekEiLCJwdWJsaWNLZXkiOiJMUzB0TFMxQ1JVZEpUaUJRVlVKTVNV"
            + "TWdTMFZaTFMwdExTMEtUVVpyZDBWM1dVaExiMXBKZW1vd1EwRlJXVWxMYjFwSmVtb3dSRUZSWTBSUlowRkZNVTlzWWpONlRVRkdS"
            + "bmhZUzBocFNXdFJUelZqU2pOWmFHdzFhVFpWVUhBclNXaDFkR1ZDU21KMVNHTkJOVlZ2WjB0dk1FVlhkR3hYZDFjMlMxTmhTMjlV"
            + "VGtWWlREZEtiRU5SYVZadWEyaENhM1JWWjJjOVBRb3RMUzB0TFVWT1JDQlFWVUpNU1VNZ1MwVlpMUzB0TFMwPSIsInNpZyI6IlRV"
            + "VlJRMGxETURGaFJqbFFZVWxtSzNOcVkzRlBiVzQwUVZaVU56bFBWMFJuVkZGVk5XVXZiVkp0TVcweVNIWjVRV2xCY0hCNk1FWkxW"
            + "VzFEVjJwdVUyUnJORzB5VkdGTlpXMXFSRXRqUlcxTVdFSTRWVVpFTlZsYWRETTJaejA5In1dfSwiaGFzaCI6eyJhbGdvcml0aG0i"
            + "OiJzaGEyNTYiLCJ2YWx1ZSI6IjkxNDU3YjdiYzg1NTgwY2Y2NTAxNDM5NDU5ZDYyOWI0YzBlOTUxNmFjNzc3NTllNGQwNzMwZjVl"
            + "MTUxNjRkMDcifSwicGF5bG9hZEhhc2giOnsiYWxnb3JpdGhtIjoic2hhMjU2IiwidmFsdWUiOiI1ZmFmZTQwMmJiYzBiMTNhMmFm"
            + "MmIzMjhjYmNjNmFiZTlmZTA1MGRkNDUzNjNkNTE1YWIyYzk4MjA3NDMwNjVkIn19fX0=";
}
