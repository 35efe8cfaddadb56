package dev.airlock.pypi;

import java.util.Locale;

/** Project and file names as PEP 503 and the packaging specs define them. */
final class PypiNames {

    private PypiNames() {
    }

    /** PEP 503 normalisation: runs of "-", "_" and "." become "-", lower case. */
    static String normalize(String name) {
        StringBuilder sb = new StringBuilder(name.length());
        boolean sep = false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '-' || c == '_' || c == '.') {
                if (!sep) {
                    sb.append('-');
                }
                sep = true;
            } else {
                sb.append(c);
                sep = false;
            }
        }
        return sb.toString().toLowerCase(Locale.ROOT);
    }

    /** A valid project name (core metadata spec): ASCII letters and digits, with ".", "_", "-" inside. */
    static boolean validProject(String name) {
        if (name.isEmpty() || name.length() > 200) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            boolean inner = c == '.' || c == '_' || c == '-';
            if (!alnum && (!inner || i == 0 || i == name.length() - 1)) {
                return false;
            }
        }
        return true;
    }

    /** A distribution file name Airlock serves: no path, a known archive suffix. */
    static boolean validFile(String file) {
        if (file.isEmpty() || file.length() > 255 || file.startsWith(".")) {
            return false;
        }
        for (int i = 0; i < file.length(); i++) {
            char c = file.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-' || c == '+' || c == '!';
            if (!ok) {
                return false;
            }
        }
        String f = file.toLowerCase(Locale.ROOT);
        return f.endsWith(".whl") || f.endsWith(".tar.gz") || f.endsWith(".zip") || f.endsWith(".tar.bz2")
                || f.endsWith(".tgz") || f.endsWith(".egg") || f.endsWith(".tar.xz");
    }

    /**
     * Whether the file name says it is a distribution of this project (wheels start with the
     * escaped name then "-", sdists with the name then "-version"). Used to refuse files that do
     * not belong to the project whose page lists them.
     */
    static boolean belongsTo(String file, String normalizedProject) {
        return version(file, normalizedProject) != null;
    }

    /** The version part of a distribution file name (the segment after the project name), or null when the name is another project's. */
    static String version(String file, String normalizedProject) {
        String lower = file.toLowerCase(Locale.ROOT);
        int dash = -1;
        while ((dash = lower.indexOf('-', dash + 1)) > 0) {
            if (normalize(lower.substring(0, dash)).equals(normalizedProject)) {
                String rest = file.substring(dash + 1);
                if (lower.endsWith(".whl")) {
                    int next = rest.indexOf('-');
                    return next < 0 ? rest : rest.substring(0, next);
                }
                for (String ext : new String[]{".tar.gz", ".tar.bz2", ".tar.xz", ".zip", ".tgz", ".egg"}) {
                    if (rest.toLowerCase(Locale.ROOT).endsWith(ext)) {
                        rest = rest.substring(0, rest.length() - ext.length());
                        break;
                    }
                }
                int py = rest.indexOf("-py");
                return py > 0 ? rest.substring(0, py) : rest;
            }
        }
        return null;
    }
}
