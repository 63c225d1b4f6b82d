package io.segline.serde;

/** Creates the registry client a configuration asks for. */
public final class SchemaRegistryClients {
    private SchemaRegistryClients() {
    }

    /**
     * A cached client for the configured registry: the in-memory scope for {@code mock://<scope>},
     * otherwise the REST client for the configured URLs.
     */
    public static SchemaRegistryClient create(RegistryConfig config) {
        if (config.isMock()) {
            return MockSchemaRegistry.forScope(RegistryConfig.mockScope(config.urls().get(0)));
        }
        return new CachingSchemaRegistryClient(new RestSchemaRegistryClient(config), config.latestCacheTtl());
    }
}
