package io.segline.cli;

import java.net.URISyntaxException;
import java.net.URL;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * The console's log level. By default segline shows its own INFO lines and everyone's warnings except
 * those a user cannot act on (log4j2.properties); {@code --verbose} shows everything at INFO and above.
 */
public final class Logging {
    private static volatile boolean verbose;

    private Logging() {
    }

    /** Everything at INFO and above from now on, nothing filtered. */
    public static void verbose() {
        verbose = true;
        URL config = Logging.class.getResource("/log4j2-verbose.properties");
        if (config == null) {
            Configurator.setRootLevel(Level.INFO);
            return;
        }
        try {
            Configurator.reconfigure(config.toURI());
        } catch (URISyntaxException e) {
            Configurator.setRootLevel(Level.INFO);
        }
    }

    /**
     * Hides a logger's warnings unless {@code --verbose}: for warnings about a choice segline made itself
     * (e.g. the demo's temporary state folder), which the user has nothing to do about.
     */
    static void quiet(String logger) {
        if (!verbose) {
            Configurator.setLevel(logger, Level.ERROR);
        }
    }
}
