package io.segline.monitor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the alert processor remembers of a line between windows (JSON in a changelogged store). */
public final class LineState {
    /** Trailing values of each watched measure, oldest first. */
    public Map<String, List<Double>> history = new LinkedHashMap<>();
    /** Trailing class-area distributions, oldest first. */
    public List<Map<String, Double>> areaHistory = new ArrayList<>();
    /** Open alerts: rule to alert id. */
    public Map<String, String> open = new LinkedHashMap<>();
    /** Episodes raised so far, for unique alert ids. */
    public long episodes;
    /** Wall-clock time the last window with images arrived. */
    public long lastActiveWallClock;
    /** End of the last window seen, event time. */
    public long lastWindowEnd;
}
