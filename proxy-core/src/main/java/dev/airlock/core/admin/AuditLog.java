package dev.airlock.core.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.store.AuditChain;
import dev.airlock.core.store.AuditQuery;
import dev.airlock.core.store.AuditRecord;
import dev.airlock.core.store.StateStore;

import java.io.IOException;
import java.io.Writer;
import java.util.List;

/**
 * Reads the audit log: verifies its hash chain end to end and exports it. Entries are appended
 * by whoever decides (the policy, {@link dev.airlock.core.policy.Quarantine}, {@link Tokens},
 * the rules), through the store, which chains them.
 */
public final class AuditLog {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PAGE = 1000;

    private final StateStore state;

    public AuditLog(StateStore state) {
        this.state = state;
    }

    /**
     * What walking the chain found.
     *
     * @param brokenAt the first entry that does not hold (0 when all do)
     * @param why      what is wrong with it
     */
    public record Verification(boolean ok, long entries, long brokenAt, String why) {
    }

    /** Walks every entry, oldest first, in pages: a long log is never all in memory. */
    public Verification verify() {
        long seen = 0;
        long expectedSeq = 1;
        String prev = AuditChain.GENESIS;
        long after = 0;
        while (true) {
            List<AuditRecord> page = state.audit(AuditQuery.after(after, PAGE));
            if (page.isEmpty()) {
                return new Verification(true, seen, 0, null);
            }
            for (AuditRecord r : page) {
                if (r.seq() != expectedSeq) {
                    return new Verification(false, seen, expectedSeq, "entry " + expectedSeq + " is missing (the next is " + r.seq() + ")");
                }
                if (!r.prevHash().equals(prev)) {
                    return new Verification(false, seen, r.seq(), "entry " + r.seq() + " does not follow entry " + (r.seq() - 1)
                            + " (its previous hash is not that entry's hash)");
                }
                if (!AuditChain.hash(r).equals(r.hash())) {
                    return new Verification(false, seen, r.seq(), "entry " + r.seq() + " was changed after it was written (its hash does not match its content)");
                }
                prev = r.hash();
                expectedSeq++;
                seen++;
                after = r.seq();
            }
        }
    }

    /** Writes every entry as one JSON object per line, oldest first. */
    public long export(Writer out) throws IOException {
        long n = 0;
        long after = 0;
        while (true) {
            List<AuditRecord> page = state.audit(AuditQuery.after(after, PAGE));
            if (page.isEmpty()) {
                return n;
            }
            for (AuditRecord r : page) {
                out.write(json(r).toString());
                out.write('\n');
                after = r.seq();
                n++;
            }
        }
    }

    /** An entry as the API and the export show it. */
    public static ObjectNode json(AuditRecord r) {
        ObjectNode o = JSON.createObjectNode().put("seq", r.seq()).put("at", r.at().toString()).put("actor", r.actor())
                .put("action", r.action()).put("target", r.target()).put("reason", r.reason());
        try {
            o.set("details", JSON.readTree(r.details()));
        } catch (IOException e) {
            o.put("details", r.details());
        }
        o.put("prevHash", r.prevHash()).put("hash", r.hash());
        return o;
    }
}
