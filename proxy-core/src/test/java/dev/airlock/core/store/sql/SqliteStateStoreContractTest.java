package dev.airlock.core.store.sql;

import dev.airlock.core.store.StateStore;
import dev.airlock.core.store.StateStoreContract;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/** The state store contract on the embedded SQLite store: two instances on one file stand for the server and the command line. */
class SqliteStateStoreContractTest extends StateStoreContract {

    @TempDir
    Path tmp;
    private Path data;
    private int databases;

    @Override
    protected void createDatabase() {
        data = tmp.resolve("data" + databases++);
    }

    @Override
    protected StateStore open() {
        return new SqliteStateStore(data);
    }

    @Override
    protected void breakAuditAppends() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("state.db"));
             Statement st = c.createStatement()) {
            st.execute("CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit log refused'); END");
        }
    }
}
