package io.segline.serde;

/**
 * A separate JVM for {@link ApicurioRegistryIT}: starts a registry, prints its port and exits without
 * closing it, so the test can check that the shutdown hook stopped the registry process.
 */
public final class RegistryExitProbe {
    private RegistryExitProbe() {
    }

    public static void main(String[] args) {
        ApicurioRegistry registry = ApicurioRegistry.start();
        System.out.println("port=" + registry.port());
        System.out.println("pid=" + registry.pid());
        System.out.flush();
        System.exit(0);
    }
}
