package dev.airlock.config;

/**
 * A configuration that cannot be used: unreadable, not valid YAML, or a key, type or value that is
 * not allowed. The message is one line meant for the operator whose start-up just stopped:
 * {@code <source>: <key.path>: <problem>: got '<value>'; allowed: <what is allowed>}, leaving out
 * the parts that do not apply.
 */
public final class ConfigException extends Exception {

    private final String source;
    private final String path;
    private final String problem;
    private final String value;
    private final String allowed;

    ConfigException(String source, String path, String problem, String value, String allowed) {
        this(source, path, problem, value, allowed, null);
    }

    ConfigException(String source, String path, String problem, String value, String allowed, Throwable cause) {
        super(message(source, path, problem, value, allowed), cause);
        this.source = source;
        this.path = path;
        this.problem = problem;
        this.value = value;
        this.allowed = allowed;
    }

    private static String message(String source, String path, String problem, String value, String allowed) {
        StringBuilder message = new StringBuilder(source);
        if (!path.isEmpty()) {
            message.append(": ").append(path);
        }
        message.append(": ").append(problem);
        if (value != null) {
            message.append(": got '").append(value).append('\'');
        }
        if (allowed != null) {
            message.append("; allowed: ").append(allowed);
        }
        return message.toString();
    }

    /** The file the configuration came from as given, or {@code <defaults>} for the embedded defaults. */
    public String source() {
        return source;
    }

    /** The key path, such as {@code server.port} or {@code policy.allow[2]}; empty when no key is to blame. */
    public String path() {
        return path;
    }

    /** What is wrong, such as {@code out of range}. */
    public String problem() {
        return problem;
    }

    /** The offending value as text; null when there is none to show or it is a secret. */
    public String value() {
        return value;
    }

    /** What would have been accepted; null for unreadable files and syntax errors. */
    public String allowed() {
        return allowed;
    }
}
