package dev.airlock.config;

/**
 * Credentials Airlock presents to one upstream: either a bearer token, or a user name with a
 * password (HTTP Basic), never both. {@link #toString()} hides the secrets so that logging a
 * configuration cannot leak them.
 *
 * @param token    bearer token, or null when user name and password are used
 * @param username user name for Basic authentication, or null when a token is used
 * @param password password for Basic authentication, or null when a token is used
 */
public record UpstreamAuth(String token, String username, String password) {

    static final String ALLOWED = "either token, or username with password";

    public UpstreamAuth {
        String problem = problem(token, username, password);
        if (problem != null) {
            throw new IllegalArgumentException("auth: " + problem + "; allowed: " + ALLOWED);
        }
    }

    /** What is wrong with this combination, or null if nothing; the loader reports it under the key path. */
    static String problem(String token, String username, String password) {
        if (token != null) {
            if (username != null || password != null) {
                return "both a token and a username/password";
            }
            return token.isEmpty() ? "empty token" : null;
        }
        if (username == null && password == null) {
            return "no credentials";
        }
        if (username == null || username.isEmpty()) {
            return "a password without a username";
        }
        if (password == null || password.isEmpty()) {
            return "a username without a password";
        }
        return null;
    }

    @Override
    public String toString() {
        return "UpstreamAuth[token=" + hidden(token) + ", username=" + username + ", password=" + hidden(password) + "]";
    }

    private static String hidden(String secret) {
        return secret == null ? null : "***";
    }
}
