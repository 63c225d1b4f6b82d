package io.segline.dataset;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The atelier's cataloguer: museum-label captions in its own wording (not {@link CaptionWriter}'s), and
 * what they state of each attribute. In the hidden style the caption names the part the pixels hide
 * (a faded halo or aureole, a lotus under a loss) or denies a halo where a look-alike disc is painted.
 */
final class Scribe {
    private static final String[] NUMBERS = {"zero", "one", "two", "three", "four", "five", "six"};

    record Text(String caption, Map<String, Object> stated) {
    }

    private final Random r;

    Scribe(Random r) {
        this.r = r;
    }

    private String pick(String... options) {
        return options[r.nextInt(options.length)];
    }

    private boolean chance(double p) {
        return r.nextDouble() < p;
    }

    /** @param hidden 0, or the class hidden from the pixels (2 halo, 3 aureole, 4 lotus), or −2 for a denied halo */
    Text write(Map<String, Object> truth, boolean standing, int hidden) {
        Map<String, Object> stated = new LinkedHashMap<>();
        for (String key : List.of("single_figure", "multi_limbed", "lotus_seat", "halo", "backlight", "flames", "raised_hand", "degraded")) {
            stated.put(key, "UNKNOWN");
        }
        stated.put("arm_count", null);
        stated.put("body_color", null);
        stated.put("school", null);
        List<String> sentences = new ArrayList<>();
        String colour = (String) truth.get("body_color");
        StringBuilder head = new StringBuilder(pick("Ground mineral pigments on sized cotton", "Distemper on cloth", "Gouache and gold on canvas"));
        head.append(pick(": ", ". Subject: ", ", showing "));
        if (chance(0.6)) {
            stated.put("body_color", colour);
            head.append(pick("a " + colour + "-bodied bodhisattva", "a deity " + colour + " in colour", "the " + colour + "-skinned protector"));
        } else {
            head.append(pick("a tutelary deity", "the central Buddha", "a meditation deity"));
        }
        if (chance(0.5)) {
            stated.put("school", truth.get("school"));
            head.append(pick(", " + truth.get("school") + " tradition", " after the " + truth.get("school") + " manner"));
        }
        sentences.add(head.toString());
        int arms = (Integer) truth.get("arm_count");
        if (chance(0.7)) {
            stated.put("arm_count", arms);
            stated.put("multi_limbed", arms > 2 ? "YES" : "NO");
            sentences.add(arms == 2 ? pick("Two arms", "The deity is two-armed")
                    : pick("It is " + NUMBERS[arms] + "-armed", "With " + arms + " arms bearing attributes", NUMBERS[arms] + " arms"));
        }
        boolean lotus = (Boolean) truth.get("lotus_seat");
        if (hidden == 4) {
            stated.put("lotus_seat", "YES");
            sentences.add(pick("The lotus throne under the figure is largely lost to flaking", "A lotus seat, now mostly abraded, supports the deity"));
        } else if (lotus && chance(0.7)) {
            stated.put("lotus_seat", "YES");
            sentences.add((standing ? "Standing" : "Enthroned") + pick(" on a lotus", " upon a lotus pedestal", " above a fan of lotus petals"));
        } else if (!lotus && chance(0.6)) {
            stated.put("lotus_seat", "NO");
            sentences.add(pick("Seated on a cushion, with no lotus", "There is no lotus seat", "The throne has no lotus"));
        }
        boolean halo = (Boolean) truth.get("halo");
        if (hidden == 2) {
            stated.put("halo", "YES");
            sentences.add(pick("The nimbus about the head has faded to a ghost", "A head halo, very faded, is still recorded in old photographs"));
        } else if (hidden == -2) {
            stated.put("halo", "NO");
            sentences.add(pick("The head has no halo; the pale disc behind it is a retouching", "No nimbus is painted, the round patch is a repair"));
        } else if (halo && chance(0.65)) {
            stated.put("halo", "YES");
            sentences.add(pick("A halo ringed with pearls surrounds the head", "The head is set against a nimbus", "Head halo present"));
        } else if (!halo && chance(0.6)) {
            stated.put("halo", "NO");
            sentences.add(pick("There is no halo", "The head is shown without a nimbus"));
        }
        boolean aureole = (Boolean) truth.get("backlight");
        boolean flames = (Boolean) truth.get("flames");
        if (hidden == 3) {
            stated.put("backlight", "YES");
            sentences.add(pick("The mandorla has almost vanished through fading", "An aureole behind the body is only faintly legible"));
        } else if (aureole && chance(0.7)) {
            stated.put("backlight", "YES");
            if (flames) {
                stated.put("flames", "YES");
                sentences.add(pick("A wall of flames rises behind the figure", "The aureole is a blaze of fire"));
            } else {
                sentences.add(pick("An aureole frames the body", "The body is backed by an onion-domed mandorla", "A radiant glory surrounds the figure"));
            }
        } else if (!aureole && chance(0.5)) {
            stated.put("backlight", "NO");
            sentences.add(pick("No mandorla", "The figure has no aureole behind it"));
        }
        if ((Boolean) truth.get("raised_hand") && chance(0.6)) {
            stated.put("raised_hand", "YES");
            sentences.add(pick("The left hand is raised", "One hand is lifted in blessing"));
        }
        if ((Boolean) truth.get("degraded")) {
            if (chance(0.7) || hidden != 0) {
                stated.put("degraded", "YES");
                sentences.add(pick("Soot and abrasion throughout", "Condition: worn, with flaking pigment and stains", "Heavily damaged by water"));
            }
        } else if (chance(0.3)) {
            stated.put("degraded", "NO");
            sentences.add(pick("Condition good", "Well preserved"));
        }
        if (chance(0.5)) {
            sentences.add(pick("Peonies and clouds fill the sky", "Offering bowls stand before the seat", "Mounted in blue silk brocade",
                    "Small attendants in roundels at the sides"));
        }
        List<String> rest = new ArrayList<>(sentences.subList(1, sentences.size()));
        Collections.shuffle(rest, r);
        StringBuilder text = new StringBuilder(sentences.get(0)).append('.');
        for (String s : rest) {
            text.append(' ').append(Character.toUpperCase(s.charAt(0))).append(s.substring(1)).append('.');
        }
        return new Text(text.toString(), stated);
    }
}
