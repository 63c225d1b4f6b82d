package io.segline.serde;

/**
 * One real Apicurio registry shared by the integration tests of a test JVM: started on first use,
 * stopped by its shutdown hook when the JVM exits. Tests keep apart by using their own subjects.
 */
final class RealRegistry {
    private static ApicurioRegistry registry;

    private RealRegistry() {
    }

    static synchronized ApicurioRegistry get() {
        if (registry == null || !registry.isAlive()) {
            registry = ApicurioRegistry.start();
        }
        return registry;
    }

    static String url() {
        return get().url();
    }
}
