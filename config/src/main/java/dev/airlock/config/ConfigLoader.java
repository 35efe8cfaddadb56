package dev.airlock.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads Airlock's configuration: the embedded defaults ({@code airlock-default.yaml} beside this
 * class, which is also the reference of every key) with an operator's YAML or JSON file merged
 * over them. Maps merge key by key; lists and single values replace; a key left empty keeps its
 * default. Anything that is not allowed, including unknown keys, is a {@link ConfigException}
 * naming the file, the key path, the value and what is allowed.
 *
 * <p>The tree is mapped to records by hand rather than by data binding so that every error can
 * name the key path the way an operator wrote it. That mapping is this class's job; reading,
 * parsing and merging the text is {@link ConfigDocument}'s.
 */
public final class ConfigLoader {

    private static final String DEFAULTS_SOURCE = "<defaults>";

    private static final List<String> TOP_KEYS =
            List.of("server", "storage", "offline", "upstreams", "cache", "airgap", "policy", "notifications", "limits");
    private static final List<String> SERVER_KEYS = List.of("host", "port", "publicUrl", "workerThreads",
            "maxRequestBodySize", "idleTimeout", "maxInitialLineLength", "maxHeaderSize", "accessLog", "requireToken",
            "maxConcurrentPerClient", "trustedProxies", "logFormat");
    private static final List<String> STORAGE_KEYS = List.of("path", "maxSize", "state", "blobs", "localCache");
    private static final List<String> STATE_KEYS = List.of("postgres");
    private static final List<String> POSTGRES_KEYS = List.of("url", "user", "password", "poolSize");
    private static final List<String> BLOBS_KEYS = List.of("s3");
    private static final List<String> S3_KEYS = List.of("bucket", "prefix", "endpoint", "region", "pathStyle", "checksums",
            "accessKeyId", "secretAccessKey");
    private static final List<String> LOCAL_CACHE_KEYS = List.of("path", "maxSize");
    /** S3's rules for bucket names (3 to 63 of lower-case letters, digits, '.', '-'; a letter or digit at each end). */
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern REGION = Pattern.compile("[a-z0-9-]{1,64}");
    /** A replica's disk cache in front of S3 when {@code storage.localCache.maxSize} is not set. */
    static final long LOCAL_CACHE_SIZE = 10L << 30;
    private static final List<String> UPSTREAM_KEYS = List.of("url", "files", "auth", "connectTimeout",
            "readTimeout", "totalTimeout", "failureThreshold", "coolDown", "notFoundTtl", "snapshots");
    private static final List<String> AUTH_KEYS = List.of("token", "username", "password");
    private static final List<String> CACHE_KEYS = List.of("metadataTtl", "metadataMaxSize");
    private static final List<String> AIRGAP_KEYS = List.of("trustedKeys");
    private static final List<String> POLICY_KEYS = List.of("mode", "minimumReleaseAge", "installHooks",
            "publisherChange", "provenanceRegression", "internalNamespaces", "allow", "deny", "holdUnknownAge", "typosquats",
            "knownMalicious", "holdUnsigned", "registryKeys", "signerChange", "identities", "pgpKeyrings", "sigstoreTrustedRoot",
            "sha1SignaturesUntil", "newSigningKeyWindow");
    private static final List<String> IDENTITY_KEYS = List.of("packages", "repository", "workflow", "ref");
    private static final List<String> NOTIFICATIONS_KEYS = List.of("webhooks");
    private static final List<String> WEBHOOK_KEYS = List.of("url", "format", "events", "secret");

    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{(.*)}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final String ENV_ALLOWED = "a variable set in Airlock's environment, or the value itself";

    private ConfigLoader() {
    }

    /** The embedded defaults only (no file). */
    public static AirlockConfig defaults() {
        try {
            return parse("", DEFAULTS_SOURCE, Map.of());
        } catch (ConfigException e) {
            throw new IllegalStateException("the embedded defaults are broken: " + e.getMessage(), e);
        }
    }

    /**
     * The embedded defaults with this YAML file (or JSON, if the name ends in {@code .json})
     * merged over them. {@code ${NAME}} credentials are read from the process environment.
     */
    public static AirlockConfig load(Path file) throws ConfigException {
        return load(file, System.getenv());
    }

    /** {@link #load(Path)} with the environment given (a tool checking a file meant for another machine). */
    public static AirlockConfig load(Path file, Map<String, String> env) throws ConfigException {
        String source = file.toString();
        return parse(ConfigDocument.read(file, source), source, env);
    }

    /**
     * The embedded defaults with {@code yaml} merged over them; {@code source} names the text in
     * messages (and a name ending in {@code .json} reads it as JSON). An empty text means defaults.
     */
    public static AirlockConfig parse(String yaml, String source) throws ConfigException {
        return parse(yaml, source, System.getenv());
    }

    static AirlockConfig parse(String text, String source, Map<String, String> env) throws ConfigException {
        JsonNode merged = ConfigDocument.merge(ConfigDocument.tree(ConfigDocument.defaultsText(), DEFAULTS_SOURCE),
                ConfigDocument.tree(text, source));
        return config(Node.root(source, merged), env);
    }

    private static AirlockConfig config(Node root, Map<String, String> env) throws ConfigException {
        root.map(TOP_KEYS);
        return new AirlockConfig(
                server(root.field("server")),
                storage(root.field("storage"), env),
                root.field("offline").bool(),
                upstreams(root.field("upstreams"), env),
                cache(root.field("cache")),
                airgap(root.field("airgap")),
                policy(root.field("policy")),
                notifications(root.field("notifications"), env),
                limits(root.field("limits")));
    }

    private static final List<String> LIMITS_KEYS = List.of("metadataSize", "pomSize", "probesPerPage", "probesPerSecond",
            "jsonDepth", "linksPerPage", "versionsPerDocument", "archiveSize", "archiveEntries", "upstreamConnections",
            "upstreamConnectionsTotal");

    private static LimitsConfig limits(Node node) throws ConfigException {
        Node limits = node.map(LIMITS_KEYS);
        return new LimitsConfig(limitSize(limits, "metadataSize"), limitSize(limits, "pomSize"),
                limits.field("probesPerPage").integer(LimitsConfig.PROBES_PER_PAGE),
                limits.field("probesPerSecond").integer(LimitsConfig.PROBES_PER_SECOND),
                limits.field("jsonDepth").integer(LimitsConfig.JSON_DEPTH),
                limits.field("linksPerPage").integer(LimitsConfig.COUNT),
                limits.field("versionsPerDocument").integer(LimitsConfig.COUNT),
                limitSize(limits, "archiveSize"),
                limits.field("archiveEntries").integer(LimitsConfig.COUNT),
                limits.field("upstreamConnections").integer(LimitsConfig.UPSTREAM_CONNECTIONS),
                limits.field("upstreamConnectionsTotal").integer(LimitsConfig.UPSTREAM_CONNECTIONS_TOTAL));
    }

    private static long limitSize(Node limits, String key) throws ConfigException {
        long size = limits.field(key).size();
        if (size < LimitsConfig.MIN_SIZE) {
            throw limits.field(key).error("too small", "a size of at least 1KiB");
        }
        return size;
    }

    private static ServerConfig server(Node node) throws ConfigException {
        Node server = node.map(SERVER_KEYS);
        return new ServerConfig(
                server.field("host").nonEmptyText().strip(),
                server.field("port").integer(ServerConfig.PORT),
                orElse(server.field("publicUrl"), null, Node::url),
                server.field("workerThreads").integer(ServerConfig.WORKER_THREADS),
                server.field("maxRequestBodySize").size(),
                server.field("idleTimeout").duration(),
                server.field("maxInitialLineLength").integer(ServerConfig.INITIAL_LINE_LENGTH),
                server.field("maxHeaderSize").integer(ServerConfig.HEADER_SIZE),
                server.field("accessLog").bool(),
                server.field("requireToken").bool(),
                server.field("maxConcurrentPerClient").integer(ServerConfig.CONCURRENT_PER_CLIENT),
                server.field("trustedProxies").strings(),
                server.field("logFormat").oneOf(ServerConfig.LogFormat.class));
    }

    private static StorageConfig storage(Node node, Map<String, String> env) throws ConfigException {
        Node storage = node.map(STORAGE_KEYS);
        Path path = storage.field("path").path();
        StorageConfig.Postgres postgres = orElse(storage.field("state"), null,
                state -> orElse(state.map(STATE_KEYS).field("postgres"), null, pg -> postgres(pg, env)));
        StorageConfig.S3 s3 = orElse(storage.field("blobs"), null,
                blobs -> orElse(blobs.map(BLOBS_KEYS).field("s3"), null, b -> s3(b, env)));
        StorageConfig.LocalCache localCache = null;
        Node cache = storage.field("localCache");
        if (cache.isSet() && s3 == null) {
            throw cache.error("applies only in front of an S3 blob store", null, "leave it out, or set storage.blobs.s3");
        }
        if (s3 != null) {
            Node c = cache.isSet() ? cache.map(LOCAL_CACHE_KEYS) : cache;
            localCache = new StorageConfig.LocalCache(
                    orElse(c.field("path"), path.resolve("cache"), Node::path),
                    orElse(c.field("maxSize"), LOCAL_CACHE_SIZE, Node::size));
        }
        return new StorageConfig(path, orElse(storage.field("maxSize"), 0L, Node::size), postgres, s3, localCache);
    }

    private static StorageConfig.Postgres postgres(Node node, Map<String, String> env) throws ConfigException {
        Node pg = node.map(POSTGRES_KEYS);
        Node urlNode = required(pg.field("url"), "jdbc:postgresql://HOST[:PORT]/DATABASE");
        String url = credential(urlNode, env);
        if (!url.startsWith("jdbc:postgresql:")) {
            throw urlNode.error("not a PostgreSQL JDBC URL", url, "jdbc:postgresql://HOST[:PORT]/DATABASE[?PARAMETERS]");
        }
        return new StorageConfig.Postgres(url, credential(required(pg.field("user"), "the role Airlock logs in as"), env),
                orElse(pg.field("password").secret(), null, secret -> credential(secret, env)),
                orElse(pg.field("poolSize"), StorageConfig.Postgres.DEFAULT_POOL_SIZE,
                        size -> size.integer(StorageConfig.Postgres.POOL_SIZE)));
    }

    private static StorageConfig.S3 s3(Node node, Map<String, String> env) throws ConfigException {
        Node s3 = node.map(S3_KEYS);
        Node bucketNode = required(s3.field("bucket"), "the name of an existing bucket");
        String bucket = credential(bucketNode, env);
        if (!BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
            throw bucketNode.error("not a valid S3 bucket name", bucket,
                    "3 to 63 lower-case letters, digits, '.' and '-', starting and ending with a letter or digit");
        }
        Node prefixNode = s3.field("prefix");
        String prefix = orElse(prefixNode, "", Node::text);
        if (prefix.startsWith("/") || prefix.contains("//") || prefix.contains("\\")) {
            throw prefixNode.error("not a valid key prefix", prefix, "a path such as airlock/ without a leading '/'");
        }
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            prefix = prefix + "/";
        }
        Node regionNode = s3.field("region");
        String region = orElse(regionNode, "us-east-1", Node::nonEmptyText);
        if (!REGION.matcher(region).matches()) {
            throw regionNode.error("not a region name", region, "a region such as us-east-1");
        }
        Node keyNode = s3.field("accessKeyId");
        Node secretNode = s3.field("secretAccessKey");
        if (keyNode.isSet() != secretNode.isSet()) {
            Node missing = keyNode.isSet() ? secretNode : keyNode;
            throw missing.error("missing", null, "accessKeyId and secretAccessKey together, or neither for the SDK's default chain");
        }
        return new StorageConfig.S3(bucket, prefix, orElse(s3.field("endpoint"), null, Node::url), region,
                orElse(s3.field("pathStyle"), false, Node::bool),
                orElse(s3.field("checksums"), StorageConfig.Checksums.WHEN_REQUIRED, c -> c.oneOf(StorageConfig.Checksums.class)),
                orElse(keyNode, null, k -> credential(k, env)),
                orElse(secretNode.secret(), null, k -> credential(k, env)));
    }

    private static Map<String, UpstreamConfig> upstreams(Node node, Map<String, String> env) throws ConfigException {
        Map<String, UpstreamConfig> upstreams = new LinkedHashMap<>();
        for (String id : node.keys("a map from ecosystem id (such as npm, pypi, maven) to upstream settings")) {
            Node entry = node.field(id);
            if (!Checks.ECOSYSTEM_ID.matcher(id).matches()) {
                throw entry.error("not a valid ecosystem id", id, Checks.ECOSYSTEM_ID_ALLOWED);
            }
            upstreams.put(id, upstream(entry, env));
        }
        return upstreams;
    }

    private static UpstreamConfig upstream(Node node, Map<String, String> env) throws ConfigException {
        UpstreamConfig fallback = UpstreamConfig.empty();
        if (!node.isSet()) {
            return fallback;
        }
        Node upstream = node.map(UPSTREAM_KEYS);
        // url: one URL, or a list of them tried in order.
        List<URI> urls = orElse(upstream.field("url"), List.of(), url -> url.isList() ? url.nonEmptyUrls() : List.of(url.url()));
        return new UpstreamConfig(
                urls.isEmpty() ? fallback.url() : urls.get(0),
                urls.isEmpty() ? List.of() : urls.subList(1, urls.size()),
                orElse(upstream.field("files"), fallback.files(), Node::urls),
                orElse(upstream.field("auth"), fallback.auth(), auth -> auth(auth, env)),
                orElse(upstream.field("connectTimeout"), fallback.connectTimeout(), Node::positiveDuration),
                orElse(upstream.field("readTimeout"), fallback.readTimeout(), Node::positiveDuration),
                orElse(upstream.field("totalTimeout"), fallback.totalTimeout(), Node::positiveDuration),
                orElse(upstream.field("failureThreshold"), fallback.failureThreshold(),
                        threshold -> threshold.integer(UpstreamConfig.FAILURE_THRESHOLD)),
                orElse(upstream.field("coolDown"), fallback.coolDown(), Node::duration),
                orElse(upstream.field("notFoundTtl"), fallback.notFoundTtl(), Node::duration),
                orElse(upstream.field("snapshots"), fallback.snapshots(), Node::bool));
    }

    private static UpstreamAuth auth(Node node, Map<String, String> env) throws ConfigException {
        Node auth = node.map(AUTH_KEYS);
        String token = orElse(auth.field("token").secret(), null, secret -> credential(secret, env));
        String username = orElse(auth.field("username"), null, name -> credential(name, env));
        String password = orElse(auth.field("password").secret(), null, secret -> credential(secret, env));
        String problem = UpstreamAuth.problem(token, username, password);
        if (problem != null) {
            throw auth.error(problem, null, UpstreamAuth.ALLOWED);
        }
        return new UpstreamAuth(token, username, password);
    }

    /** The value as written, or, when the whole value is {@code ${NAME}}, that environment variable. */
    private static String credential(Node node, Map<String, String> env) throws ConfigException {
        String text = node.nonEmptyText();
        Matcher reference = ENV_REFERENCE.matcher(text);
        if (!reference.matches()) {
            return text;
        }
        String name = reference.group(1);
        if (!ENV_NAME.matcher(name).matches()) {
            throw node.error("not a valid environment variable name", text,
                    "${NAME} where NAME has letters, digits and '_' and does not start with a digit");
        }
        String value = env.get(name);
        if (value == null || value.isEmpty()) {
            throw node.error("environment variable " + name + (value == null ? " is not set" : " is empty"),
                    text, ENV_ALLOWED);
        }
        return value;
    }

    private static CacheConfig cache(Node node) throws ConfigException {
        Node cache = node.map(CACHE_KEYS);
        return new CacheConfig(cache.field("metadataTtl").duration(), cache.field("metadataMaxSize").size());
    }

    private static AirgapConfig airgap(Node node) throws ConfigException {
        return new AirgapConfig(node.map(AIRGAP_KEYS).field("trustedKeys").strings());
    }

    private static PolicyConfig policy(Node node) throws ConfigException {
        Node policy = node.map(POLICY_KEYS);
        return new PolicyConfig(
                policy.field("mode").oneOf(PolicyMode.class),
                policy.field("minimumReleaseAge").duration(),
                policy.field("installHooks").oneOf(InstallHooks.class),
                policy.field("publisherChange").bool(),
                policy.field("provenanceRegression").bool(),
                policy.field("internalNamespaces").strings(),
                policy.field("allow").strings(),
                policy.field("deny").strings(),
                policy.field("holdUnknownAge").bool(),
                policy.field("typosquats").bool(),
                paths(policy.field("knownMalicious")),
                policy.field("holdUnsigned").bool(),
                paths(policy.field("registryKeys")),
                policy.field("signerChange").bool(),
                identities(policy.field("identities")),
                paths(policy.field("pgpKeyrings")),
                policy.field("sigstoreTrustedRoot").isSet() ? policy.field("sigstoreTrustedRoot").path() : null,
                policy.field("sha1SignaturesUntil").date(),
                policy.field("newSigningKeyWindow").duration());
    }

    private static List<IdentityPin> identities(Node node) throws ConfigException {
        List<IdentityPin> out = new ArrayList<>();
        for (Node item : node.list("a list of maps with packages, repository, workflow, ref")) {
            item.map(IDENTITY_KEYS);
            String packages = item.field("packages").text();
            if (!packages.contains(":")) {
                throw item.field("packages").error("no ecosystem", packages, "ecosystem:name, e.g. npm:@acme/*");
            }
            String repository = optionalText(item.field("repository"));
            String workflow = optionalText(item.field("workflow"));
            Pattern ref = null;
            String refText = optionalText(item.field("ref"));
            if (refText != null) {
                try {
                    ref = Pattern.compile(refText);
                } catch (PatternSyntaxException e) {
                    throw item.field("ref").error("not a regular expression", refText, "a Java regular expression, e.g. refs/tags/v.*");
                }
            }
            if (repository == null && workflow == null && ref == null) {
                throw item.error("pins nothing", "at least one of repository, workflow, ref");
            }
            out.add(new IdentityPin(packages, repository, workflow, ref));
        }
        return out;
    }

    private static NotificationsConfig notifications(Node node, Map<String, String> env) throws ConfigException {
        List<WebhookConfig> webhooks = new ArrayList<>();
        for (Node item : node.map(NOTIFICATIONS_KEYS).field("webhooks").list("a list of maps with url, format, events, secret")) {
            webhooks.add(webhook(item.map(WEBHOOK_KEYS), env));
        }
        return new NotificationsConfig(webhooks);
    }

    private static WebhookConfig webhook(Node webhook, Map<String, String> env) throws ConfigException {
        Node urlNode = webhook.field("url");
        if (!urlNode.isSet()) {
            throw urlNode.error("missing", null, WebhookConfig.URL_ALLOWED);
        }
        URI url = webhookUrl(urlNode, env);
        WebhookConfig.Format format = orElse(webhook.field("format"), WebhookConfig.Format.JSON,
                f -> f.oneOf(WebhookConfig.Format.class));
        Set<WebhookConfig.EventType> events = EnumSet.allOf(WebhookConfig.EventType.class);
        Node eventsNode = webhook.field("events");
        if (eventsNode.isSet()) {
            List<Node> items = eventsNode.list("a list of events: held, denied, released, rejected");
            if (items.isEmpty()) {
                throw eventsNode.error("an empty list", "one or more of held, denied, released, rejected; leave the key out for all");
            }
            events.clear();
            for (Node event : items) {
                events.add(event.oneOf(WebhookConfig.EventType.class));
            }
        }
        String secret = orElse(webhook.field("secret").secret(), null, s -> credential(s, env));
        return new WebhookConfig(url, format, events, secret);
    }

    /**
     * A webhook URL, written out or as {@code ${NAME}}: chat webhook URLs carry their credential,
     * so a URL read from the environment is never shown in messages.
     */
    private static URI webhookUrl(Node node, Map<String, String> env) throws ConfigException {
        String text = node.nonEmptyText().strip();
        boolean fromEnv = ENV_REFERENCE.matcher(text).matches();
        String value = fromEnv ? credential(node, env).strip() : text;
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw node.error("not a URL", fromEnv ? text : value, WebhookConfig.URL_ALLOWED);
        }
        String problem = WebhookConfig.urlProblem(uri);
        if (problem != null) {
            throw node.error(problem, fromEnv ? text : value, WebhookConfig.URL_ALLOWED);
        }
        return uri;
    }

    private static String optionalText(Node node) throws ConfigException {
        return node.isSet() ? node.text() : null;
    }

    private static List<Path> paths(Node node) throws ConfigException {
        List<Path> out = new ArrayList<>();
        for (String s : node.strings()) {
            try {
                out.add(Path.of(s));
            } catch (InvalidPathException e) {
                throw node.error("not a valid path", s, "a list of file or folder paths");
            }
        }
        return out;
    }

    /** The node, refused as missing when the file does not set it (a key with no default). */
    private static Node required(Node node, String allowed) throws ConfigException {
        if (!node.isSet()) {
            throw node.error("missing", null, allowed);
        }
        return node;
    }

    private static <T> T orElse(Node node, T fallback, Reader<T> reader) throws ConfigException {
        return node.isSet() ? reader.read(node) : fallback;
    }

    @FunctionalInterface
    private interface Reader<T> {
        T read(Node node) throws ConfigException;
    }
}
