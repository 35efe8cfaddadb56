package dev.airlock.scaleout.postgres;

import dev.airlock.config.StorageConfig;
import dev.airlock.core.store.StateStore;
import dev.airlock.core.store.StateStoreContract;
import dev.airlock.scaleout.testing.PostgresServer;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;

/**
 * The state store contract on a real PostgreSQL: two instances on one database stand for two
 * replicas (each with a pool of its own).
 */
class PostgresStateStoreContractTest extends StateStoreContract {

    private String url;

    @Override
    protected void createDatabase() throws Exception {
        url = PostgresServer.shared().newDatabase();
    }

    @Override
    protected StateStore open() {
        return PostgresStateStore.open(new StorageConfig.Postgres(url, PostgresServer.USER, null, 4), Clock.systemUTC());
    }

    @Override
    protected void breakAuditAppends() throws Exception {
        try (Connection c = DriverManager.getConnection(url, PostgresServer.USER, "");
             Statement st = c.createStatement()) {
            st.execute("CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit log refused'; END $$");
            st.execute("CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_audit()");
        }
    }
}
