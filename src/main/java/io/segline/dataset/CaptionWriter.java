package io.segline.dataset;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Writes a catalogue-entry caption for a generated painting and records what it states: each boolean
 * attribute as YES, NO (the caption negates it, "without a lotus") or UNKNOWN (the caption is silent),
 * and arm count, body colour and school as the value stated or null. Sentences vary in order, wording
 * and length; some captions are terse, some verbose with details that matter nothing for segmentation.
 */
final class CaptionWriter {
    private static final String[] NUMBERS = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight"};
    private static final Map<String, String[]> DEITIES = Map.of(
            "white", new String[] {"White Tara", "Avalokiteshvara", "Vajrasattva"},
            "blue", new String[] {"the Medicine Buddha", "Akshobhya", "Vajrapani"},
            "green", new String[] {"Green Tara", "Amoghasiddhi"},
            "red", new String[] {"Amitabha", "Kurukulla", "Amitayus"},
            "yellow", new String[] {"Vaishravana", "Ratnasambhava"},
            "gold", new String[] {"Shakyamuni Buddha", "Manjushri"},
            "black", new String[] {"Mahakala", "Yamantaka"},
            "orange", new String[] {"Manjushri", "Padmasambhava"});
    private static final String[] DESCRIPTORS = {"a peaceful deity", "a bodhisattva", "a meditational deity", "a protector deity",
            "an enlightened being"};

    record Caption(String text, Map<String, Object> stated) {
    }

    private final Random r;

    CaptionWriter(Random r) {
        this.r = r;
    }

    private boolean chance(double p) {
        return r.nextDouble() < p;
    }

    private String pick(String... options) {
        return options[r.nextInt(options.length)];
    }

    Caption write(Map<String, Object> truth, String style, boolean standing) {
        Map<String, Object> stated = new LinkedHashMap<>();
        for (String key : List.of("single_figure", "multi_limbed", "lotus_seat", "halo", "backlight", "flames", "raised_hand", "degraded")) {
            stated.put(key, "UNKNOWN");
        }
        stated.put("arm_count", null);
        stated.put("body_color", null);
        stated.put("school", null);
        int arms = (Integer) truth.get("arm_count");
        String colour = (String) truth.get("body_color");
        String school = (String) truth.get("school");

        boolean sayColour = chance(0.7);
        boolean saySchool = chance(0.6);
        String subject = sayColour ? pick(DEITIES.get(colour)) : pick(DESCRIPTORS);
        StringBuilder opening = new StringBuilder();
        if (saySchool) {
            stated.put("school", school);
            opening.append(pick("A " + school + " thangka depicting ", "Thangka in the " + school + " style, showing ",
                    "This " + school + " school painting portrays "));
        } else {
            opening.append(pick("A thangka depicting ", "Scroll painting of ", "This painting portrays ", "Devotional image of "));
        }
        opening.append(subject);
        if (sayColour) {
            stated.put("body_color", colour);
            opening.append(pick(", " + colour + " in complexion", ", whose body is " + colour, " with a " + colour + " body",
                    " (" + colour + "-bodied)"));
        }
        if (chance(0.3)) {
            stated.put("single_figure", "YES");
            opening.append(pick(", alone at the centre", ", a single central figure", " as the sole central figure"));
        }
        List<String> clauses = new ArrayList<>();
        if (chance(0.75)) {
            stated.put("arm_count", arms);
            stated.put("multi_limbed", arms > 2 ? "YES" : "NO");
            String word = NUMBERS[arms];
            clauses.add(arms == 2 ? pick("The figure has two arms", "The deity is two-armed", "It has a single pair of arms")
                    : pick("The figure has " + word + " arms", "The deity is " + word + "-armed", "It is shown with " + arms + " arms",
                            "Its " + word + " arms hold ritual implements"));
        } else if (arms > 2 && chance(0.4)) {
            stated.put("multi_limbed", "YES");
            clauses.add(pick("The deity is multi-armed", "Several pairs of arms fan out from the shoulders"));
        }
        String posture = standing ? pick("It stands", "The figure stands upright") : pick("It is seated in vajra posture", "The figure sits cross-legged");
        if ((Boolean) truth.get("lotus_seat")) {
            if (chance(0.75)) {
                stated.put("lotus_seat", "YES");
                clauses.add(posture + pick(" upon a lotus throne", " on a lotus seat of many petals", " on a pink lotus",
                        " on a multi-coloured lotus"));
            }
        } else if (chance(0.7)) {
            stated.put("lotus_seat", "NO");
            clauses.add(posture + pick(" directly on the ground, without a lotus", " on a rock; no lotus seat is shown",
                    " on a plain cushion rather than a lotus"));
        }
        if ((Boolean) truth.get("halo")) {
            if (chance(0.7)) {
                stated.put("halo", "YES");
                clauses.add(pick("A halo of concentric rings encircles the head", "The head is surrounded by a nimbus",
                        "A circular head halo frames the face"));
            }
        } else if (chance(0.6)) {
            stated.put("halo", "NO");
            clauses.add(pick("There is no head halo", "The head has no nimbus", "No halo surrounds the head"));
        }
        if ((Boolean) truth.get("backlight")) {
            if (chance(0.75)) {
                stated.put("backlight", "YES");
                if ((Boolean) truth.get("flames")) {
                    stated.put("flames", "YES");
                    clauses.add(pick("Behind the body blazes an aureole of flames", "A mandorla of fire frames the figure",
                            "The deity is surrounded by a flaming aureole"));
                } else {
                    String rays = pick("A mandorla of golden rays rises behind the body", "An aureole of light rays is painted behind the figure",
                            "A large body aureole radiates behind the deity");
                    if (chance(0.3)) {
                        stated.put("flames", "NO");
                        rays += ", drawn as rays of light rather than flames";
                    }
                    clauses.add(rays);
                }
            }
        } else if (chance(0.6)) {
            stated.put("backlight", "NO");
            clauses.add(pick("No body aureole is painted", "There is no mandorla behind the figure", "The figure appears without an aureole"));
        }
        if ((Boolean) truth.get("raised_hand")) {
            if (chance(0.75)) {
                stated.put("raised_hand", "YES");
                clauses.add(pick("The right hand is raised in the gesture of fearlessness", "One hand is lifted in abhaya mudra",
                        "A raised hand breaks the symmetry of the pose"));
            }
        } else if (chance(0.3)) {
            stated.put("raised_hand", "NO");
            clauses.add(pick("Both hands rest at the level of the lap", "Neither hand is raised"));
        }
        if ((Boolean) truth.get("degraded")) {
            if (chance(0.8)) {
                stated.put("degraded", "YES");
                clauses.add(pick("The pigments are faded and flaking, with cracks across the surface",
                        "Condition: losses, water stains and abrasion throughout", "The surface is worn, with pigment loss and fine cracks"));
            }
        } else if (chance(0.4)) {
            stated.put("degraded", "NO");
            clauses.add(pick("The painting is in excellent condition", "Condition: very good, colours bright and intact",
                    "Well preserved, with no visible losses"));
        }
        if (style.equals("flat") && chance(0.6)) {
            clauses.add(pick("It is painted in a modern, flat-colour manner", "The contemporary style uses flat, unshaded colour"));
        }
        int extras = chance(0.4) ? 1 + r.nextInt(3) : 0;
        List<String> details = new ArrayList<>(List.of(
                "Stylised clouds and small attendant figures fill the upper corners",
                "A landscape of green hills and water occupies the lower register",
                "Mineral pigments and gold on cotton, mounted in a silk brocade",
                "An inscription on the reverse names the donor and the year of consecration",
                "The composition follows the proportions of the classical iconometric grid"));
        Collections.shuffle(details, r);
        clauses.addAll(details.subList(0, extras));
        Collections.shuffle(clauses, r);
        StringBuilder text = new StringBuilder(opening).append('.');
        for (String clause : clauses) {
            text.append(' ').append(Character.toUpperCase(clause.charAt(0))).append(clause.substring(1)).append('.');
        }
        return new Caption(text.toString(), stated);
    }
}
