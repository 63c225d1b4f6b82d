package io.segline.serde;

import io.segline.testing.TestCluster;

/** The real Apicurio registry shared by the integration tests of a test JVM (see {@link TestCluster}). */
final class RealRegistry {
    private RealRegistry() {
    }

    static String url() {
        return TestCluster.registry().url();
    }
}
