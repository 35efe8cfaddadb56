package dev.airlock.scaleout.testing;

import dev.airlock.config.AirlockConfig;
import dev.airlock.config.StorageConfig;
import dev.airlock.core.testing.RunningAirlock;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * Replicas for end-to-end tests: a new database on the JVM's PostgreSQL, an S3 API of its own
 * (s3proxy) with one bucket, and Airlocks started on them, each with its own data folder and
 * local cache. Closing it stops every replica and the S3 API.
 */
public final class Replicas implements AutoCloseable {

    private final Path dir;
    private final String database;
    private final S3Server s3;
    private final StorageConfig.S3 bucket;
    private final List<RunningAirlock> started = Collections.synchronizedList(new ArrayList<>());

    private Replicas(Path dir, String database, S3Server s3, StorageConfig.S3 bucket) {
        this.dir = dir;
        this.database = database;
        this.s3 = s3;
        this.bucket = bucket;
    }

    /** Shared stores under {@code dir} (S3's objects in {@code dir/s3}), with the bucket's keys under {@code prefix}. */
    public static Replicas start(Path dir, String prefix) throws Exception {
        String database = PostgresServer.shared().newDatabase();
        S3Server s3 = S3Server.start(dir.resolve("s3"));
        return new Replicas(dir, database, s3, s3.bucket("airlock", prefix));
    }

    public String database() {
        return database;
    }

    public S3Server s3() {
        return s3;
    }

    public StorageConfig.S3 bucket() {
        return bucket;
    }

    /** The storage of a replica whose folder is {@code data}: the shared database and bucket, its own local cache. */
    public StorageConfig storage(Path data, long maxSize) {
        return new StorageConfig(data, maxSize, new StorageConfig.Postgres(database, PostgresServer.USER, null, 4), bucket,
                new StorageConfig.LocalCache(data.resolve("cache"), 0));
    }

    /** A replica in {@code dir/name} with one ecosystem's upstream. */
    public RunningAirlock replica(String name, String ecosystem, URI upstream) throws Exception {
        return replica(name, ecosystem, upstream, UnaryOperator.identity());
    }

    /** The same, with the test's own settings on top. */
    public RunningAirlock replica(String name, String ecosystem, URI upstream, UnaryOperator<AirlockConfig> settings) throws Exception {
        Path data = dir.resolve(name);
        RunningAirlock r = RunningAirlock.start(settings.apply(RunningAirlock.config(data, ecosystem, upstream).withStorage(storage(data, 0))));
        started.add(r);
        return r;
    }

    /** Waits for {@code condition}, generously: two cores are shared by the replicas, PostgreSQL, S3 and the clients. */
    public static void eventually(String what, Duration within, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + within.toSeconds() + " s: " + what);
            }
            Thread.sleep(100);
        }
    }

    @Override
    public void close() {
        synchronized (started) {
            started.forEach(RunningAirlock::close);
        }
        s3.close();
    }
}
