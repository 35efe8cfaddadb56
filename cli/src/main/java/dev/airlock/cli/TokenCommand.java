package dev.airlock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.admin.Role;
import dev.airlock.core.admin.Tokens;
import dev.airlock.core.store.sql.SqliteStateStore;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;

/**
 * {@code token create|list|revoke}: admin API tokens, through a running server ({@code --server},
 * with an admin token) or in the data directory itself ({@code --data}: for the operator of the
 * machine, e.g. after losing every admin token). A token is printed once, when it is created.
 */
@Command(name = "token", mixinStandardHelpOptions = true, description = "Manage admin API tokens (only hashes are stored).",
        subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class, TokenCommand.Revoke.class})
final class TokenCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    /** The same action through a server or on the data directory, with the token store. */
    abstract static class Action extends StoreOrServer {
        abstract int remote(Remote api, PrintWriter out) throws Exception;

        abstract int local(Tokens tokens, PrintWriter out) throws Exception;

        @Override
        int remote(Remote api, PrintWriter out, PrintWriter err) throws Exception {
            return remote(api, out);
        }

        @Override
        int local(SqliteStateStore store, PrintWriter out, PrintWriter err) throws Exception {
            return local(new Tokens(store, Clock.systemUTC()), out);
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a token; it is printed once.")
    static final class Create extends Action {
        @Option(names = "--name", required = true, paramLabel = "NAME")
        String name;

        @Option(names = "--role", required = true, paramLabel = "ROLE", description = "viewer, approver or admin")
        String role;

        @Option(names = "--expires", paramLabel = "DURATION", description = "e.g. 90d, 12h, P90D; default: no expiry")
        String expires;

        @Override
        int remote(Remote api, PrintWriter out) {
            ObjectNode body = JSON.createObjectNode().put("name", name).put("role", Role.of(role).id());
            if (expires != null) {
                body.put("expires", QuarantineCommand.duration(expires).toString());
            }
            JsonNode t = api.post("tokens", body);
            print(out, t.path("name").asText(), t.path("role").asText(), t.path("token").asText());
            return 0;
        }

        @Override
        int local(Tokens tokens, PrintWriter out) {
            Tokens.Created c = tokens.create(name, Role.of(role), expires == null ? null : QuarantineCommand.duration(expires),
                    System.getProperty("user.name", "unknown") + " (command line)");
            print(out, c.record().name(), c.record().role(), c.token());
            return 0;
        }

        private static void print(PrintWriter out, String name, String role, String token) {
            out.println(token);
            out.println("# token '" + name + "' (" + role + "): shown only now; Airlock keeps its hash");
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Tokens by name and role (never their secrets).")
    static final class ListTokens extends Action {
        @Option(names = "--json")
        boolean json;

        @Override
        int remote(Remote api, PrintWriter out) throws Exception {
            return print(out, api.get("tokens").path("items"));
        }

        @Override
        int local(Tokens tokens, PrintWriter out) throws Exception {
            ArrayNode a = JSON.createArrayNode();
            for (var t : tokens.list()) {
                ObjectNode o = a.addObject().put("name", t.name()).put("role", t.role()).put("createdAt", t.createdAt().toString());
                o.put("expiresAt", t.expiresAt() == null ? null : t.expiresAt().toString());
                o.put("revokedAt", t.revokedAt() == null ? null : t.revokedAt().toString());
            }
            return print(out, a);
        }

        private int print(PrintWriter out, JsonNode items) throws Exception {
            if (json) {
                out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(items));
                return 0;
            }
            out.printf("%-24s  %-8s  %-24s  %-24s  %s%n", "NAME", "ROLE", "CREATED", "EXPIRES", "REVOKED");
            for (JsonNode t : items) {
                out.printf("%-24s  %-8s  %-24s  %-24s  %s%n", t.path("name").asText(), t.path("role").asText(), t.path("createdAt").asText(),
                        t.path("expiresAt").isNull() ? "-" : t.path("expiresAt").asText(), t.path("revokedAt").isNull() ? "-" : t.path("revokedAt").asText());
            }
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a token at once.")
    static final class Revoke extends Action {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        int remote(Remote api, PrintWriter out) {
            api.delete("tokens/" + Remote.encode(name));
            out.println("revoked " + name);
            return 0;
        }

        @Override
        int local(Tokens tokens, PrintWriter out) {
            if (!tokens.revoke(name, System.getProperty("user.name", "unknown") + " (command line)")) {
                throw new Remote.Failed("no valid token named " + name, 1);
            }
            out.println("revoked " + name);
            return 0;
        }
    }
}
