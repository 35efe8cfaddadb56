package dev.airlock.core.admin;

import dev.airlock.core.store.StateStore;
import dev.airlock.core.store.StateStoreException;
import dev.airlock.core.store.TokenRecord;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Admin API tokens. A token is 32 random bytes, shown once; only its SHA-256 is stored, and a
 * presented token is compared against every stored hash in constant time. Tokens may expire and
 * be revoked; every change is in the audit log.
 */
public final class Tokens {

    private static final System.Logger LOG = System.getLogger("airlock.admin");
    /** Recognisable in logs and secret scanners, like other services' tokens. */
    static final String PREFIX = "alk_";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
    private static final SecureRandom RANDOM = new SecureRandom();
    /** The file an operator reads the first admin token from. */
    public static final String BOOTSTRAP_FILE = "admin-token";

    private final StateStore state;
    private final Clock clock;
    /**
     * The unrevoked tokens' hashes as bytes, in memory and parsed once per reload: checking a
     * token never touches the store (the event loop checks package requests).
     */
    private volatile List<Map.Entry<byte[], TokenRecord>> hashes = List.of();

    public Tokens(StateStore state, Clock clock) {
        this.state = state;
        this.clock = clock;
        reload();
    }

    /** A new token and its record; the caller shows the token once. */
    public record Created(String token, TokenRecord record) {
    }

    public Created create(String name, Role role, Duration expires, String actor) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a token name is 1 to 64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit");
        }
        if (state.tokens().stream().anyMatch(t -> t.name().equals(name))) {
            throw new IllegalArgumentException("a token named " + name + " exists already (names are never reused, so the audit log stays clear)");
        }
        if (expires != null && (expires.isNegative() || expires.isZero())) {
            throw new IllegalArgumentException("expires must be a positive duration, e.g. P90D");
        }
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        Instant now = clock.instant();
        TokenRecord r = new TokenRecord(name, role.id(), hash(token), now, expires == null ? null : now.plus(expires), null);
        state.putToken(r);
        reload();
        state.appendAudit(now, actor, "token.create", name, null, "{\"role\":\"" + role.id() + "\",\"expiresAt\":"
                + (r.expiresAt() == null ? "null" : "\"" + r.expiresAt() + "\"") + "}");
        return new Created(token, r);
    }

    public List<TokenRecord> list() {
        return state.tokens();
    }

    public boolean revoke(String name, String actor) {
        boolean done = state.revokeToken(name, clock.instant());
        reload();
        if (done) {
            state.appendAudit(clock.instant(), actor, "token.revoke", name, null, "{}");
        }
        return done;
    }

    /** Who a presented token belongs to, if it is valid now (not expired, not revoked). */
    public Optional<Principal> authenticate(String token) {
        if (token == null || !token.startsWith(PREFIX) || token.length() > 200) {
            return Optional.empty();
        }
        byte[] presented = HexFormat.of().parseHex(hash(token));
        Instant now = clock.instant();
        TokenRecord match = null;
        // Every stored hash is compared, each in constant time: how long this takes says nothing
        // about which token (if any) came close.
        for (Map.Entry<byte[], TokenRecord> t : hashes) {
            if (MessageDigest.isEqual(presented, t.getKey())) {
                match = t.getValue();
            }
        }
        if (match == null || match.revokedAt() != null || (match.expiresAt() != null && !now.isBefore(match.expiresAt()))) {
            return Optional.empty();
        }
        return Optional.of(new Principal(match.name(), Role.of(match.role())));
    }

    /** Reads the tokens again (blocking): another process (the command line) may have changed them. */
    public void reload() {
        List<TokenRecord> all = state.tokens();
        List<Map.Entry<byte[], TokenRecord>> live = new ArrayList<>();
        for (TokenRecord t : all) {
            if (t.revokedAt() == null) {
                live.add(Map.entry(HexFormat.of().parseHex(t.tokenHash()), t));
            }
        }
        hashes = List.copyOf(live);
    }

    /**
     * The token a package client presents: npm's bearer token, or the password of basic auth
     * (pip's index URL credentials, Maven's server credentials). Null when there is none.
     */
    public static String presented(String authorization) {
        if (authorization == null) {
            return null;
        }
        if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7).strip();
        }
        if (authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String userPass = new String(Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
                int colon = userPass.indexOf(':');
                return colon < 0 ? null : userPass.substring(colon + 1);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return null;
    }

    /**
     * On a first start with no valid admin token, makes one and writes it to
     * {@code <data>/admin-token}, readable by the owner only, and logs where it is.
     *
     * @return the file written, or null when an admin token exists already
     */
    public Path bootstrap(Path dataDir) throws IOException {
        // Replicas starting together on one database look and make one at a time (a lease row;
        // on a store of its own it is always this process's at once).
        String lease = "airlock:bootstrap-admin-token";
        String holder = state.origin();
        long deadline = System.nanoTime() + BOOTSTRAP_WAIT.toNanos();
        while (!state.claimFetch(lease, holder, clock.instant(), clock.instant().plus(BOOTSTRAP_WAIT))) {
            if (System.nanoTime() > deadline) {
                break; // its holder died: its lease has run out by now, and the check below still holds
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while another Airlock made the bootstrap admin token", e);
            }
        }
        try {
            return bootstrapAlone(dataDir);
        } finally {
            state.releaseFetch(lease, holder);
        }
    }

    /** How long a replica waits for another that is making the bootstrap token. */
    private static final java.time.Duration BOOTSTRAP_WAIT = java.time.Duration.ofSeconds(30);

    private Path bootstrapAlone(Path dataDir) throws IOException {
        if (anyLiveAdmin()) {
            reload();
            return null;
        }
        Set<String> taken = new HashSet<>();
        state.tokens().forEach(t -> taken.add(t.name()));
        String name = "admin";
        for (int i = 2; taken.contains(name); i++) {
            name = "admin-" + i; // an earlier admin token was revoked or expired: names are never reused
        }
        Created c;
        try {
            c = create(name, Role.ADMIN, null, "airlock");
        } catch (StateStoreException | IllegalArgumentException raced) {
            // Replicas starting together on one database: the name is unique, so only one of
            // them makes the token; the others find it made and write no file.
            if (anyLiveAdmin()) {
                reload();
                LOG.log(System.Logger.Level.INFO, "another Airlock on this state store created the bootstrap admin token");
                return null;
            }
            throw raced;
        }
        Path file = dataDir.resolve(BOOTSTRAP_FILE);
        Files.deleteIfExists(file);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        }
        Files.writeString(file, c.token() + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        LOG.log(System.Logger.Level.WARNING, "no admin token existed: created token '" + name + "' and wrote it to "
                + file.toAbsolutePath() + " (owner-only); use it to create named tokens, then delete the file");
        return file;
    }

    private boolean anyLiveAdmin() {
        Instant now = clock.instant();
        return state.tokens().stream().anyMatch(t -> t.role().equals(Role.ADMIN.id()) && t.revokedAt() == null
                && (t.expiresAt() == null || now.isBefore(t.expiresAt())));
    }

    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
