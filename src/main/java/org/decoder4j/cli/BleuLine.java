package org.decoder4j.cli;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.stream.Collectors;
import org.decoder4j.eval.BleuScore;

/**
 * sacreBLEU's one-line text report of a BLEU score, without its version field:
 * {@code BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp = 21.2 55.5/27.3/15.3/8.7 (BP = 1.000
 * ratio = 1.010 hyp_len = 950 ref_len = 941)}. Numbers are rounded as Python formats them (the
 * exact binary value, ties to even), so that the line is character for character sacreBLEU's.
 */
final class BleuLine {

    private BleuLine() {
    }

    /** The line for a score, its sacreBLEU signature, and the score's decimal places. */
    static String of(BleuScore s, String signature, int width) {
        String precisions = s.precisions().stream().map(p -> fixed(p, 1)).collect(Collectors.joining("/"));
        return "BLEU|" + signature + " = " + fixed(s.score(), width) + " " + precisions
                + " (BP = " + fixed(s.bp(), 3) + " ratio = " + fixed(s.ratio(), 3)
                + " hyp_len = " + s.sysLen() + " ref_len = " + s.refLen() + ")";
    }

    /** Python's {@code f"{x:.{digits}f}"} for a finite x. */
    static String fixed(double x, int digits) {
        return new BigDecimal(x).setScale(digits, RoundingMode.HALF_EVEN).toPlainString();
    }
}
