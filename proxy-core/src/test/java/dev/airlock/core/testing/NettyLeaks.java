package dev.airlock.core.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Makes Netty's leak detector fail tests instead of only logging. Installed before any test runs
 * (a JUnit {@link LauncherSessionListener}, registered in META-INF/services), because Netty reads
 * the detector factory once when its buffer classes load. Server tests call {@link #assertNone()}
 * after their requests; with {@code mvn -Pleak verify} every buffer is tracked (paranoid).
 */
public final class NettyLeaks implements LauncherSessionListener {

    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
            @Override
            public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval, long maxActive) {
                return new ResourceLeakDetector<>(resource, samplingInterval) {
                    @Override
                    protected void reportTracedLeak(String resourceType, String records) {
                        LEAKS.add(resourceType + records);
                        super.reportTracedLeak(resourceType, records);
                    }

                    @Override
                    protected void reportUntracedLeak(String resourceType) {
                        LEAKS.add(resourceType);
                        super.reportUntracedLeak(resourceType);
                    }
                };
            }
        });
    }

    /**
     * Collects garbage so that unreleased buffers become detectable, lets the detector poll its
     * queue by allocating, and fails if any buffer was garbage-collected without being released.
     */
    public static void assertNone() throws InterruptedException {
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(50);
            for (int j = 0; j < 200; j++) {
                ByteBuf b = PooledByteBufAllocator.DEFAULT.buffer(16);
                b.release();
            }
        }
        if (!LEAKS.isEmpty()) {
            throw new AssertionError(LEAKS.size() + " Netty buffer leak(s):\n" + String.join("\n---\n", LEAKS));
        }
    }
}
