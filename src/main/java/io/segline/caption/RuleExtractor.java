package io.segline.caption;

import io.segline.records.CaptionAttributes;
import io.segline.records.Tristate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Extracts the canonical attributes from a caption with the {@link Lexicon}: deterministic, no network.
 *
 * <p>The caption is split into clauses (at . ; : ! ? and brackets). A mention of an attribute is
 * <em>negated</em> when a negation cue ("no", "without", "rather than", ...) stands among the four words
 * before it, with no comma or conjunction in between, or a cue such as "absent" or "not shown" follows
 * it closely. An attribute with a plain mention is YES, one with only negated mentions is NO, one never
 * mentioned is UNKNOWN: absence of a word is not a negation.
 */
public final class RuleExtractor {
    private static final Pattern CLAUSES = Pattern.compile("[.;:!?()\\[\\]]");
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}'-]+|,");
    private static final List<String> POST_NEGATIONS = List.of("absent", "missing", "omitted", "not", "lacking");

    private final Lexicon lexicon;
    private final Pattern negation;
    private final Pattern armCount;
    private final Pattern pairs;
    private final Pattern bodyColour;
    private final Pattern deities;
    private final Pattern schools;
    private final Pattern handContext;
    private final Pattern raiseVerbs;
    private final Pattern appositive;

    public RuleExtractor(Lexicon lexicon) {
        this.lexicon = lexicon;
        this.negation = Lexicon.alternation(lexicon.list("negations"));
        String number = "(\\d+|" + String.join("|", lexicon.numbers().keySet().stream()
                .sorted((a, b) -> b.length() - a.length()).map(Pattern::quote).toList()) + ")";
        this.armCount = Pattern.compile("(?<![\\p{L}\\p{N}])" + number + "[ -](?:armed|arms|handed)(?![\\p{L}\\p{N}])");
        this.pairs = Pattern.compile("(?<![\\p{L}\\p{N}])(?:(a|one|single|a single)|" + number + ") pairs? of arms");
        String colour = "(" + String.join("|", lexicon.colours().keySet().stream()
                .sorted((a, b) -> b.length() - a.length()).map(Pattern::quote).toList()) + ")";
        this.bodyColour = Pattern.compile("(?<![\\p{L}])(?:" + colour + "[ -](?:bodied|skinned|complexioned)"
                + "|" + colour + " in (?:complexion|colour|color|hue)"
                + "|(?:body|skin|complexion|flesh)(?: colou?r)? (?:is|was|of) (?:a |an )?(?:deep |dark |pale |light )?" + colour
                + "|" + colour + " (?:body|complexion|skin))(?![\\p{L}])");
        this.deities = Lexicon.alternation(lexicon.deityColours().keySet());
        this.schools = Lexicon.alternation(lexicon.schools().keySet());
        this.handContext = Pattern.compile("(?<![\\p{L}])(?:hand|hands|arm|arms|palm)(?![\\p{L}])");
        this.raiseVerbs = Pattern.compile("(?<![\\p{L}])(?:raised|raises|raising|lifted|lifts|uplifted|hand up|above his head"
                + "|above her head|aloft|overhead)(?![\\p{L}])");
        // Catalogue apposition: "Hayagriva, red, with ..." or "Vajrabhairava ..., dark blue and ...", in the first sentence.
        this.appositive = Pattern.compile(", (?:deep |dark |pale |light )?" + colour + "(?=,| and | in | with )");
    }

    /** The attributes a caption states. */
    public CaptionAttributes extract(String caption) {
        String text = caption.toLowerCase(Locale.ROOT).replace('\u2019', '\'');
        List<String> clauses = new ArrayList<>();
        for (String clause : CLAUSES.split(text)) {
            if (!clause.isBlank()) {
                clauses.add(clause);
            }
        }
        CaptionAttributes.Builder out = CaptionAttributes.newBuilder();
        out.setHalo(tristate(clauses, "halo", List.of("halo_not")));
        out.setBacklight(tristate(clauses, "backlight", List.of("backlight_not")));
        out.setFlames(tristate(clauses, "flames", List.of("flames_not")));
        out.setLotusSeat(tristate(clauses, "lotus_seat", List.of("lotus_not")));
        out.setRaisedHand(raisedHand(clauses));
        out.setDegraded(degraded(clauses));
        out.setSingleFigure(opposing(clauses, "single_figure_yes", "single_figure_no"));
        Integer arms = armCount(text);
        out.setArmCount(arms);
        if (arms != null) {
            out.setMultiLimbed(arms > 2 ? Tristate.YES : Tristate.NO);
        } else {
            out.setMultiLimbed(tristate(clauses, "multi_limbed_yes", List.of()));
        }
        out.setBodyColor(bodyColour(text));
        Matcher school = schools.matcher(text);
        out.setSchool(school.find() ? lexicon.schools().get(school.group()) : null);
        return out.build();
    }

    /** YES for a plain mention, NO for only negated mentions, UNKNOWN for none; spans of {@code exclude} lists do not count. */
    private Tristate tristate(List<String> clauses, String list, List<String> exclude) {
        boolean positive = false;
        boolean negative = false;
        for (String clause : clauses) {
            List<int[]> excluded = new ArrayList<>();
            for (String other : exclude) {
                Matcher m = lexicon.pattern(other).matcher(clause);
                while (m.find()) {
                    excluded.add(new int[] {m.start(), m.end()});
                }
            }
            Matcher m = lexicon.pattern(list).matcher(clause);
            while (m.find()) {
                int start = m.start();
                int end = m.end();
                if (excluded.stream().anyMatch(span -> start < span[1] && end > span[0])) {
                    continue;
                }
                if (negated(clause, start, end)) {
                    negative = true;
                } else {
                    positive = true;
                }
            }
        }
        return positive ? Tristate.YES : negative ? Tristate.NO : Tristate.UNKNOWN;
    }

    private Tristate opposing(List<String> clauses, String yesList, String noList) {
        Tristate yes = tristate(clauses, yesList, List.of());
        Tristate no = tristate(clauses, noList, List.of());
        if (no == Tristate.YES) {
            return Tristate.NO;
        }
        if (yes == Tristate.YES) {
            return Tristate.YES;
        }
        return Tristate.UNKNOWN;
    }

    private Tristate raisedHand(List<String> clauses) {
        boolean positive = false;
        boolean negative = tristate(clauses, "raised_hand_no", List.of()) == Tristate.YES;
        for (String clause : clauses) {
            Matcher m = lexicon.pattern("raised_hand").matcher(clause);
            while (m.find()) {
                // "raised" and "lifted" speak of a hand only when a hand or arm is in the same clause;
                // mudras of raised hands stand on their own.
                boolean verb = raiseVerbs.matcher(m.group()).matches();
                if (verb && !handContext.matcher(clause).find()) {
                    continue;
                }
                if (negated(clause, m.start(), m.end())) {
                    negative = true;
                } else {
                    positive = true;
                }
            }
        }
        return positive ? Tristate.YES : negative ? Tristate.NO : Tristate.UNKNOWN;
    }

    private Tristate degraded(List<String> clauses) {
        Tristate damage = tristate(clauses, "degraded", List.of("not_degraded"));
        if (damage == Tristate.YES) {
            return Tristate.YES;
        }
        if (damage == Tristate.NO || tristate(clauses, "not_degraded", List.of()) == Tristate.YES) {
            return Tristate.NO;
        }
        return Tristate.UNKNOWN;
    }

    private Integer armCount(String text) {
        Integer best = null;
        Matcher m = armCount.matcher(text);
        while (m.find()) {
            Integer n = number(m.group(1));
            if (n != null && n >= 2) {
                best = best == null ? n : Math.max(best, n);
            }
        }
        Matcher p = pairs.matcher(text);
        while (p.find()) {
            Integer n = p.group(1) != null ? Integer.valueOf(1) : number(p.group(2));
            if (n != null) {
                int arms = 2 * n;
                best = best == null ? arms : Math.max(best, arms);
            }
        }
        return best;
    }

    private Integer number(String word) {
        if (word.chars().allMatch(Character::isDigit)) {
            return Integer.valueOf(word);
        }
        return lexicon.numbers().get(word);
    }

    private String bodyColour(String text) {
        Matcher m = bodyColour.matcher(text);
        if (m.find()) {
            for (int g = 1; g <= m.groupCount(); g++) {
                if (m.group(g) != null) {
                    return lexicon.colours().get(m.group(g));
                }
            }
        }
        int firstSentence = text.indexOf(". ");
        Matcher apposition = appositive.matcher(firstSentence < 0 ? text : text.substring(0, firstSentence));
        if (apposition.find()) {
            return lexicon.colours().get(apposition.group(1));
        }
        Matcher deity = deities.matcher(text);
        return deity.find() ? lexicon.deityColours().get(deity.group()) : null;
    }

    /** Whether a mention at [start, end) of a clause is negated by a nearby cue. */
    private boolean negated(String clause, int start, int end) {
        List<String> before = words(clause.substring(0, start));
        int seen = 0;
        StringBuilder window = new StringBuilder();
        for (int i = before.size() - 1; i >= 0 && seen < 4; i--) {
            String word = before.get(i);
            if (word.equals(",") || word.equals("and") || word.equals("but") || word.equals("while") || word.equals("whereas")) {
                break;
            }
            window.insert(0, word + " ");
            seen++;
        }
        if (negation.matcher(window).find()) {
            return true;
        }
        List<String> after = words(clause.substring(end));
        for (int i = 0; i < Math.min(4, after.size()); i++) {
            String word = after.get(i);
            if (word.equals(",")) {
                break;
            }
            if (POST_NEGATIONS.contains(word)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = WORD.matcher(text);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    /** The lexicon behind this extractor. */
    public Lexicon lexicon() {
        return lexicon;
    }

    static Map<String, Object> describe(CaptionAttributes a) {
        java.util.LinkedHashMap<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("single_figure", a.getSingleFigure().name());
        out.put("multi_limbed", a.getMultiLimbed().name());
        out.put("lotus_seat", a.getLotusSeat().name());
        out.put("halo", a.getHalo().name());
        out.put("backlight", a.getBacklight().name());
        out.put("flames", a.getFlames().name());
        out.put("raised_hand", a.getRaisedHand().name());
        out.put("degraded", a.getDegraded().name());
        out.put("arm_count", a.getArmCount());
        out.put("body_color", a.getBodyColor());
        out.put("school", a.getSchool());
        return out;
    }
}
