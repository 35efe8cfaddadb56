package dev.airlock.pypi;

import java.util.Locale;

/**
 * The representations of the simple API (PEP 503 HTML, PEP 691 JSON), and how a client's
 * {@code Accept} header (with q-values, as pip sends it) or {@code ?format=} picks one.
 */
enum SimpleFormat {
    JSON("application/vnd.pypi.simple.v1+json"),
    HTML_V1("application/vnd.pypi.simple.v1+html"),
    HTML("text/html");

    final String contentType;

    SimpleFormat(String contentType) {
        this.contentType = contentType;
    }

    /** The variant name in the metadata cache. */
    String variant() {
        return name().toLowerCase(Locale.ROOT);
    }

    static SimpleFormat ofVariant(String variant) {
        return valueOf(variant.toUpperCase(Locale.ROOT));
    }

    /**
     * Picks the representation: {@code ?format=} wins, then the highest q-value in Accept (ties go to
     * the earlier-listed type); no Accept, or nothing acceptable, means text/html as PyPI answers.
     */
    static SimpleFormat negotiate(String accept, String formatParam) {
        if (formatParam != null) {
            for (SimpleFormat f : values()) {
                if (f.contentType.equals(formatParam) || (formatParam.endsWith(".latest+json") && f == JSON)
                        || (formatParam.endsWith(".latest+html") && f == HTML_V1)) {
                    return f;
                }
            }
        }
        if (accept == null || accept.isBlank()) {
            return HTML;
        }
        SimpleFormat best = null;
        double bestQ = 0;
        for (String part : accept.split(",")) {
            String[] p = part.strip().split(";");
            String type = p[0].strip().toLowerCase(Locale.ROOT);
            double q = 1.0;
            for (int i = 1; i < p.length; i++) {
                String param = p[i].strip();
                if (param.startsWith("q=")) {
                    try {
                        q = Double.parseDouble(param.substring(2));
                    } catch (NumberFormatException e) {
                        q = 0;
                    }
                }
            }
            SimpleFormat f = switch (type) {
                case "application/vnd.pypi.simple.v1+json", "application/vnd.pypi.simple.latest+json" -> JSON;
                case "application/vnd.pypi.simple.v1+html", "application/vnd.pypi.simple.latest+html" -> HTML_V1;
                case "text/html", "*/*", "text/*" -> HTML;
                default -> null;
            };
            if (f != null && q > bestQ) {
                best = f;
                bestQ = q;
            }
        }
        return best == null ? HTML : best;
    }
}
