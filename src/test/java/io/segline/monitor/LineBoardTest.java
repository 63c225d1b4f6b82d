package io.segline.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.segline.records.Alert;
import io.segline.records.AlertState;
import io.segline.records.LineHealth;
import io.segline.records.Severity;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LineBoardTest {
    private static LineHealth window(String line, Instant end, long images) {
        return LineHealth.newBuilder().setLineId(line).setWindowStart(end.minusSeconds(60)).setWindowEnd(end).setImages(images)
                .setResults(images - 1).setDeadLetters(1).setLatencyP50Ms(420.0).setLatencyP95Ms(900.0)
                .setVerdictCounts(Map.of("PASS", images - 2, "WARN", 1L)).setMeanConfidence(0.77)
                .setCaptureQcMeans(Map.of("sharpness", 350.0, "colourCastDeltaE", 12.5)).build();
    }

    private static Alert alert(String rule, AlertState state) {
        return Alert.newBuilder().setAlertId("line-a/" + rule + "/1").setLineId("line-a").setRule(rule).setSeverity(Severity.WARNING)
                .setState(state).setAt(Instant.parse("2026-05-01T08:10:00Z")).setMessage(rule + " happened").setEvidence(Map.of()).build();
    }

    @Test
    void shouldShowTheLatestWindowOfEachLineAndItsOpenAlerts() {
        LineBoard board = new LineBoard();
        board.add(window("line-a", Instant.parse("2026-05-01T08:02:00Z"), 12));
        board.add(window("line-a", Instant.parse("2026-05-01T08:01:00Z"), 3));
        board.add(window("line-b", Instant.parse("2026-05-01T08:02:00Z"), 5));
        board.add(alert("sharpness-drift", AlertState.RAISED));
        board.add(alert("silent-line", AlertState.RAISED));
        board.add(alert("silent-line", AlertState.CLEARED));

        String text = board.render();
        assertThat(board.latest().get("line-a").getImages()).as("an older window does not replace a newer one").isEqualTo(12);
        assertThat(board.openAlerts().get("line-a")).containsOnlyKeys("sharpness-drift");
        assertThat(text).contains("line-a").contains("line-b").contains("10/1/0").contains("900").contains("sharpness-drift happened")
                .contains("silent-line cleared");
        assertThat(text.lines().filter(l -> l.startsWith("line-a")).findFirst().orElseThrow()).endsWith("sharpness-drift");
    }

    @Test
    void shouldSayWhenThereIsNothingYet() {
        assertThat(new LineBoard().render()).contains("no line-health windows yet");
    }
}
