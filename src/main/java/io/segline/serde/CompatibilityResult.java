package io.segline.serde;

import java.util.List;

/** Answer of a compatibility check: whether the schema is compatible, and the registry's reasons when not. */
public record CompatibilityResult(boolean compatible, List<String> messages) {
    public CompatibilityResult {
        messages = List.copyOf(messages);
    }
}
