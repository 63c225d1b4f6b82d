package io.segline.caption;

import io.segline.records.CaptionAttributes;
import io.segline.records.Tristate;
import java.util.ArrayList;
import java.util.List;

/** Turns attributes into short symbolic statements (SPIRIT's TAR templates); UNKNOWN says nothing. */
public final class Templates {
    private static final String[] NUMBERS = {"no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
            "eleven", "twelve"};

    private Templates() {
    }

    public static List<String> render(CaptionAttributes a) {
        List<String> out = new ArrayList<>();
        add(out, a.getSingleFigure(), "There is a single central figure.", "There are several central figures.");
        if (a.getArmCount() != null) {
            int n = a.getArmCount();
            out.add("The figure has " + (n < NUMBERS.length ? NUMBERS[n] : String.valueOf(n)) + " arms.");
        } else {
            add(out, a.getMultiLimbed(), "The figure has more than two arms.", "The figure has two arms.");
        }
        if (a.getBodyColor() != null) {
            out.add("The body is " + a.getBodyColor() + ".");
        }
        add(out, a.getRaisedHand(), "One hand is raised.", "No hand is raised.");
        add(out, a.getLotusSeat(), "The figure is on a lotus seat.", "There is no lotus seat.");
        add(out, a.getHalo(), "There is a halo around the head.", "There is no halo.");
        add(out, a.getBacklight(), "There is a backlight behind the body.", "There is no backlight.");
        add(out, a.getFlames(), "The backlight is made of flames.", "There are no flames.");
        add(out, a.getDegraded(), "The painting is degraded.", "The painting is in good condition.");
        if (a.getSchool() != null) {
            out.add("The painting is in the " + a.getSchool() + " style.");
        }
        return out;
    }

    private static void add(List<String> out, Tristate value, String yes, String no) {
        if (value == Tristate.YES) {
            out.add(yes);
        } else if (value == Tristate.NO) {
            out.add(no);
        }
    }
}
